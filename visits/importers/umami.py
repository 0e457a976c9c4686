"""Umami's CSV export of website events: one row per pageview (event_type 1) or custom event
(event_type 2), with its session's browser, system, device, screen and location."""

from collections.abc import Iterator
from typing import BinaryIO

from sites.models import Site
from visits.importers.hits import (
    FormatError,
    ImportedHit,
    RowKeys,
    Skipped,
    country_name,
    csv_records,
    page_address,
    parse_time,
    region_name,
)
from visits.ingest.campaigns import screen_class
from visits.ingest.names import browser_name, device_name, os_name

REQUIRED = {"session_id", "url_path", "created_at", "event_type"}
PAGEVIEW_TYPE, EVENT_TYPE = "1", "2"


def looks_like(header: list[str]) -> bool:
    return {cell.strip().lower() for cell in header} >= REQUIRED


def read(stream: BinaryIO, *, site: Site) -> Iterator[ImportedHit | Skipped]:
    records = csv_records(stream)
    _, header = next(records, (0, None))
    if not header or not looks_like(header):
        raise FormatError(
            "This is not an Umami export: its header needs session_id, url_path, created_at "
            "and event_type."
        )
    names = [cell.strip().lower() for cell in header]
    keys = RowKeys("umami")
    for line, cells in records:
        if cells is None or len(cells) != len(names):
            yield Skipped(line, "malformed row", f"expected {len(names)} cells")
            continue
        row = dict(zip(names, cells, strict=True))
        kind = row["event_type"].strip()
        if kind not in (PAGEVIEW_TYPE, EVENT_TYPE):
            yield Skipped(line, "not a pageview or custom event", f"event_type {kind[:10]}")
            continue
        try:
            timestamp = parse_time(row["created_at"])
        except ValueError:
            yield Skipped(line, "unreadable time", row["created_at"][:40])
            continue
        region = row.get("subdivision1") or row.get("region") or ""
        country = row.get("country", "").strip().upper()[:2]
        host = row.get("hostname", "").strip()
        base = f"https://{host}" if host else site.base_url
        yield ImportedHit(
            line=line,
            timestamp=timestamp,
            key=keys.key(*cells),
            url=page_address(base, row["url_path"] or "/", row.get("url_query", "")),
            event="pageview" if kind == PAGEVIEW_TYPE else (row.get("event_name") or "event"),
            referrer=_referrer(row),
            browser=browser_name(row.get("browser", "")),
            os=os_name(row.get("os", "")),
            device=device_name(row.get("device", "")),
            screen=screen_class(row.get("screen", "").partition("x")[0]),
            country_code=country,
            country=country_name(country),
            region=region_name(region),
            city=row.get("city", ""),
            visitor=row["session_id"],
        )


def _referrer(row: dict) -> str:
    domain = row.get("referrer_domain", "").strip()
    if not domain:
        return ""
    path = row.get("referrer_path", "") or "/"
    query = row.get("referrer_query", "")
    return f"https://{domain}{path}" + (f"?{query}" if query else "")
