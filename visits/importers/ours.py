"""This app's own CSV: the visits download (`/sites/<id>/visits.csv`, the API's `export/`: the
contract's columns, then every other recorded one with a per-file visitor pseudonym) or
`export_site --format csv` (every column, with the visitor hash). Older downloads with only the
contract's columns import too, with what they hold."""

import json
from collections.abc import Iterator
from typing import BinaryIO

from sites.models import Site
from visits.importers.hits import (
    FormatError,
    ImportedHit,
    RowKeys,
    Skipped,
    country_code_for,
    csv_records,
    parse_time,
    undefuse,
)
from visits.ingest.engagement import PARAMETERS

TEXT_COLUMNS = (
    "url", "referrer", "event", "browser", "browser_version", "os", "device", "screen",
    "country_code", "country", "region", "city",
)  # fmt: skip


CAMPAIGN = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def looks_like(header: list[str]) -> bool:
    names = {cell.strip().lower() for cell in header}
    return {"timestamp", "url"} <= names


def read(stream: BinaryIO, *, site: Site) -> Iterator[ImportedHit | Skipped]:
    records = csv_records(stream)
    _, header = next(records, (0, None))
    if not header or not looks_like(header):
        raise FormatError("This is not this app's CSV: its header needs timestamp and url.")
    names = [cell.strip().lower() for cell in header]
    keys = RowKeys("ours")
    # A full export has the campaign columns as recorded; the visits download has none.
    has_campaign = any(name in names for name in CAMPAIGN)
    for line, cells in records:
        if cells is None or len(cells) != len(names):
            yield Skipped(line, "malformed row", f"expected {len(names)} cells")
            continue
        row = {name: undefuse(value) for name, value in zip(names, cells, strict=True)}
        try:
            timestamp = parse_time(row["timestamp"])
        except ValueError:
            yield Skipped(line, "unreadable time", row["timestamp"][:40])
            continue
        if not row["url"]:
            yield Skipped(line, "no page address")
            continue
        values = {name: row[name] for name in TEXT_COLUMNS if row.get(name)}
        if "referrer_domain" in row:
            values["source"] = row["referrer_domain"]  # as stored: internal and named sources too
        values.setdefault("country_code", country_code_for(row.get("country", "")))
        try:
            props = json.loads(row["props"]) if row.get("props") else {}
            visitor_hash = int(row["visitor_hash"]) if row.get("visitor_hash") else None
        except ValueError:
            yield Skipped(line, "malformed row", "props or visitor_hash unreadable")
            continue
        revenue = None
        if row.get("revenue_amount") or row.get("revenue_currency"):
            revenue = {"amount": row.get("revenue_amount"), "currency": row.get("revenue_currency")}
        yield ImportedHit(
            line=line,
            revenue=revenue,
            metrics={name: row[column] for name, column in PARAMETERS.items() if row.get(column)},
            timestamp=timestamp,
            key=keys.key(*cells),
            props=props if isinstance(props, dict) else {},
            campaign={name: row.get(name, "") for name in CAMPAIGN} if has_campaign else None,
            visitor_hash=visitor_hash,
            visitor=_visitor(row),
            **values,
        )


def _visitor(row: dict) -> str:
    if row.get("visitor"):
        return "visitor|" + row["visitor"]  # the download's pseudonym, hashed again per day
    # Without one, a visitor is told apart by what the row says about them.
    return "|".join(row.get(name, "") for name in ("browser", "os", "device", "city"))
