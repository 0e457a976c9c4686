"""Reads of visits for the owner's pages and exports."""

from collections.abc import Iterator

from django.db.models import QuerySet

from sites.models import Site
from visits.models import ENGAGEMENT, Visit

# The contract's CSV header; each column is the Visit field of the same name.
CSV_COLUMNS = (
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


def visit_list_for(*, site: Site) -> QuerySet[Visit]:
    """A site's visits, newest first (served by the (site, -timestamp) index)."""
    return Visit.objects.filter(site=site).order_by("-timestamp", "-id")


def visit_page_list_for(*, site: Site) -> QuerySet[Visit]:
    """What the owner's visit lists show: pageviews and events, not the snippet's engagement
    pings (they only time visits; the CSV and exports keep them, as recorded data)."""
    return visit_list_for(site=site).exclude(event=ENGAGEMENT)


def visit_latest_for(*, site: Site, limit: int = 20) -> list[Visit]:
    return list(visit_page_list_for(site=site)[:limit])


def visit_csv_rows(*, visits: QuerySet[Visit], chunk_size: int = 2000) -> Iterator[tuple]:
    """Visits as CSV column values, oldest first, read in chunks (constant memory)."""
    queryset = visits.order_by("timestamp", "id").values_list(*CSV_COLUMNS)
    for row in queryset.iterator(chunk_size=chunk_size):
        yield (row[0].isoformat(), *row[1:])
