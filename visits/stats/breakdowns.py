"""Breakdowns: the top values of one dimension in a period, with their figures."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext as _

from sites.models import Site
from visits.stats.daily_rows import DailyRow
from visits.stats.dimensions import PROPERTY, SESSION_DIMENSIONS
from visits.stats.figures import figure_rows
from visits.stats.filters import DIRECT
from visits.stats.labels import country_in_language, country_name, device_label
from visits.stats.periods import Period


@dataclass(frozen=True)
class BreakdownRow:
    value: str  # what the filter parameter takes
    label: str
    visitors: int
    count: int  # pageviews; events for events and properties; visits for entry and exit pages
    bounce_rate: int | None = None  # entry and exit pages only
    visit_duration: int | None = None
    scroll_depth: int | None = (
        None  # pages only: the average, in percent (visits.stats.performance)
    )


def visit_breakdown(
    *,
    site: Site,
    period: Period,
    filters: dict[str, str],
    dimension: str,
    now: datetime,
    limit: int | None = 10,
    property_key: str = "",
) -> list[BreakdownRow]:
    """The top values of one dimension by visitors, with pageviews (custom events and their
    properties: event counts; entry and exit pages: visits, bounce rate and duration)."""
    rows = figure_rows(site=site, period=period, filters=filters, dimension=dimension, now=now)
    return breakdown_of(rows, dimension=dimension, limit=limit, property_key=property_key)


def breakdown_of(
    rows: list[DailyRow], *, dimension: str, limit: int | None = 10, property_key: str = ""
) -> list[BreakdownRow]:
    """Figure rows (of one site or several) summed per value and ranked by visitors."""
    merged: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        if property_key and not row.value.startswith(property_key + "="):
            continue  # dimension=prop narrowed to one property's values
        figures = merged[(row.value, row.label)]
        figures[0] += row.visitors
        if dimension in SESSION_DIMENSIONS:
            figures[1] += row.sessions
        elif dimension == "event":
            figures[1] += row.events
        elif dimension == PROPERTY:
            figures[1] += row.events + row.pageviews
        else:
            figures[1] += row.pageviews
        figures[2] += row.bounces
        figures[3] += row.duration
    ranked = sorted(merged.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    rows = []
    for (value, label), (visitors, count, bounces, duration) in ranked[:limit]:
        row = _breakdown_row(dimension, value, label, visitors, count)
        if dimension in SESSION_DIMENSIONS:
            row = replace(
                row,
                bounce_rate=round(100 * bounces / count) if count else 0,
                visit_duration=round(duration / count) if count else 0,
            )
        rows.append(row)
    return rows


def _breakdown_row(
    dimension: str, value: str, label: str, visitors: int, count: int
) -> BreakdownRow:
    if dimension == "country":
        text = country_name(value, english=label) if value else (label or _("Unknown"))
    elif dimension == "city" and value:
        text = f"{value}, {country_in_language(label)}" if label else value
    elif dimension in ("referrer", "referrer_source") and not value:
        value, text = DIRECT, _("Direct / none")
    elif dimension == "device" and value:
        text = device_label(value)
    elif dimension == "screen" and value:
        text = value.capitalize()
    else:
        text = value or _("Unknown")
    return BreakdownRow(value=value, label=text, visitors=visitors, count=count)
