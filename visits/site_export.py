"""Everything stored about one site, for its owner to take away: settings, goals and every
visit, as one JSON document or as CSV, streamed so a large site never sits in memory."""

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from sites.models import Site
from sites.shields import SHIELD_FIELDS
from visits.downloads import csv_lines
from visits.models import ENGAGEMENT_FIELDS, RECORDED_FIELDS, REVENUE_FIELDS, Visit

SITE_FIELDS = (
    "id", "name", "base_url", "extra_domains", "allow_localhost", "timezone", "retention_days",
    *SHIELD_FIELDS, "created_at",
)  # fmt: skip
GOAL_FIELDS = ("name", "kind", "value", "currency", "created_at")
EXPORT_FORMATS = ("json", "csv")
# Every recorded column, in this order: the contract's CSV columns are among them.
EXPORT_COLUMNS = (*RECORDED_FIELDS, *REVENUE_FIELDS, *ENGAGEMENT_FIELDS, "visitor_hash")


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)  # an exact amount stays exact
    return value.isoformat() if isinstance(value, datetime) else value


def _visit_values(site: Site, chunk_size: int) -> Iterator[tuple]:
    visits = Visit.objects.filter(site=site).order_by("timestamp", "id")
    yield from visits.values_list(*EXPORT_COLUMNS).iterator(chunk_size=chunk_size)


def site_export_json(*, site: Site, chunk_size: int = 2000) -> Iterator[str]:
    """One JSON document: {"site": {...}, "goals": [...], "visits": [...]}, in pieces."""
    head = {
        "site": {name: _plain(getattr(site, name)) for name in SITE_FIELDS},
        "goals": [
            {name: _plain(getattr(goal, name)) for name in GOAL_FIELDS} for goal in site.goals.all()
        ],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "visits": ['
    for number, row in enumerate(_visit_values(site, chunk_size)):
        visit = {name: _plain(value) for name, value in zip(EXPORT_COLUMNS, row, strict=True)}
        yield ("," if number else "") + "\n" + json.dumps(visit, ensure_ascii=False)
    yield "\n]}\n"


def site_export_csv(*, site: Site, chunk_size: int = 2000) -> Iterator[str]:
    """Every visit with every recorded column (properties as JSON text)."""
    rows = (
        tuple(
            json.dumps(value, ensure_ascii=False) if name == "props" else _plain(value)
            for name, value in zip(EXPORT_COLUMNS, row, strict=True)
        )
        for row in _visit_values(site, chunk_size)
    )
    return csv_lines(header=EXPORT_COLUMNS, rows=rows)


def site_export(*, site: Site, kind: str) -> Iterator[str]:
    return site_export_json(site=site) if kind == "json" else site_export_csv(site=site)
