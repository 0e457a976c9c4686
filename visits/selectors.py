"""Reads of visits for the owner's pages and exports."""

import hashlib
import json
import secrets
from collections.abc import Iterator

from django.db.models import QuerySet

from sites.models import Site
from visits.models import ENGAGEMENT, Visit

# The contract's CSV header; each column is the Visit field of the same name.
CONTRACT_COLUMNS = (
    "timestamp",
    "url",
    "referrer",
    "event",
    "browser",
    "os",
    "device",
    "country",
    "region",
    "city",
)
# Then everything else recorded, so importing the file gives the same figures back: `props` as
# JSON text, and `visitor`, a pseudonym of the day's visitor made for this file only.
CSV_COLUMNS = (
    *CONTRACT_COLUMNS,
    "referrer_domain", "browser_version", "screen", "country_code", "utm_source", "utm_medium",
    "utm_campaign", "utm_term", "utm_content", "revenue_amount", "revenue_currency",
    "scroll_depth", "lcp", "inp", "cls", "fcp", "ttfb", "props", "visitor",
)  # fmt: skip
_AMOUNT = CSV_COLUMNS.index("revenue_amount")


def visit_list_for(*, site: Site) -> QuerySet[Visit]:
    """A site's visits, newest first (served by the (site, -timestamp) index)."""
    return Visit.objects.filter(site=site).order_by("-timestamp", "-id")


def visit_page_list_for(*, site: Site) -> QuerySet[Visit]:
    """What the owner's visit lists show: pageviews and events, not the snippet's engagement
    pings (they only time visits; the CSV and exports keep them, as recorded data)."""
    return visit_list_for(site=site).exclude(event=ENGAGEMENT)


def visit_latest_for(*, site: Site, limit: int = 20) -> list[Visit]:
    return list(visit_page_list_for(site=site)[:limit])


def visit_csv_rows(
    *, visits: QuerySet[Visit], chunk_size: int = 2000, props_as_text: bool = True
) -> Iterator[tuple]:
    """Visits as CSV column values, oldest first, read in chunks (constant memory).

    The visitor hash itself stays in the database: each download gets a key of its own, kept in
    memory only, so its pseudonyms group a visitor's hits of a day within the file, yet match
    neither the stored hashes nor another download's.
    """
    key = secrets.token_bytes(32)
    queryset = visits.order_by("timestamp", "id").values_list(*CSV_COLUMNS[:-1], "visitor_hash")
    for row in queryset.iterator(chunk_size=chunk_size):
        props, visitor = row[-2], row[-1]
        if props_as_text:
            props = json.dumps(props, ensure_ascii=False, sort_keys=True) if props else ""
        amount = row[_AMOUNT]  # as written ("12.50"), in JSON lines too
        yield (
            row[0].isoformat(),
            *row[1:_AMOUNT],
            None if amount is None else str(amount),
            *row[_AMOUNT + 1 : -2],
            props,
            _pseudonym(key, visitor),
        )


def _pseudonym(key: bytes, visitor_hash: int) -> str:
    message = visitor_hash.to_bytes(8, "big", signed=True)
    return hashlib.blake2b(message, key=key, digest_size=8).hexdigest()
