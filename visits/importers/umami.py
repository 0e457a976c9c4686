"""Umami's CSV export of website events: one row per pageview (event_type 1) or custom event
(event_type 2), with its session's browser, system, device, screen and location.

A self-hosted Umami's "Export" button gives something else: a zip of metric totals for the
chosen period (`pages.csv`, `referrers.csv`, ... with columns `x,y`), without a date. Nothing
can be laid out from totals without days, so that zip is refused with what to export instead.
"""

import zipfile
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
# What Umami's export route writes into its zip (src/app/api/websites/[websiteId]/export).
METRIC_FILES = frozenset(
    ("events.csv", "pages.csv", "referrers.csv", "browsers.csv", "os.csv", "devices.csv",
     "countries.csv")
)  # fmt: skip
METRICS_REFUSED = (
    "This is a self-hosted Umami export: a zip of metric totals for the whole period "
    "(pages.csv, referrers.csv, ...) without dates, which can't be laid out as visits. "
    "Export Umami's website events instead (the website_event table as CSV, as Umami Cloud's "
    "data export gives it) and import that file."
)


def is_metrics_zip(stream: BinaryIO) -> bool:
    """A zip holding Umami's metric files (the stream is left at its start)."""
    stream.seek(0)
    signature = stream.read(4)
    stream.seek(0)
    if signature != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(stream) as archive:
            names = {name.rsplit("/", 1)[-1].lower() for name in archive.namelist()}
    except zipfile.BadZipFile:
        return False
    finally:
        stream.seek(0)
    return len(names & METRIC_FILES) >= 3 and not any(
        name.startswith("imported_") for name in names
    )


def looks_like(header: list[str]) -> bool:
    return {cell.strip().lower() for cell in header} >= REQUIRED


def read(stream: BinaryIO, *, site: Site) -> Iterator[ImportedHit | Skipped]:
    if is_metrics_zip(stream):
        raise FormatError(METRICS_REFUSED)
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
