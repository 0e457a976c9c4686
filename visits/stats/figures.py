"""Selectors for the dashboard. Figures are summed in the database, per day in the site's time zone.

Unique visitors come from the daily visitor hash, so a period's visitors are the sum of its days'
unique visitors, as in other cookie-free analytics. Finished days are read from rollups
(`visits.rollups`), the rest from raw visits; filtered views read raw visits throughout.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour

from sites.models import Site
from visits.models import ENGAGEMENT, PAGEVIEW, DailyRollup, Visit
from visits.stats.periods import Period
from visits.stats.properties import prop_filter
from visits.stats.rollups import (
    DIMENSIONS,
    PROPERTY,
    TOTAL,
    DailyRow,
    daily_rows,
    local_bounds,
    rollup_ensure,
)
from visits.stats.sessions import ENTRY, EXIT, sessions_shared_for
from visits.text import clean_text

DIRECT = "direct"  # the referrer filter's value for visits without a referrer
FILTER_MAX_LENGTH = 2048
LIVE_WINDOW = timedelta(minutes=5)
SESSION_DIMENSIONS = (ENTRY, EXIT)
# Everything a breakdown can be asked for: the dimensions, properties, entry and exit pages.
BREAKDOWNS = (*DIMENSIONS, PROPERTY, ENTRY, EXIT)
# DailyRow's fields in order, as read from rollups.
ROLLUP_FIGURES = (
    "day", "value", "label", "visitors", "pageviews", "events", "sessions", "bounces", "duration",
)  # fmt: skip


@dataclass(frozen=True)
class Totals:
    pageviews: int = 0
    visitors: int = 0
    events: int = 0
    sessions: int = 0  # visits
    bounces: int = 0
    duration: int = 0  # seconds, summed over the visits

    @property
    def pages_per_visitor(self) -> float:
        return round(self.pageviews / self.visitors, 2) if self.visitors else 0.0

    @property
    def views_per_visit(self) -> float:
        return round(self.pageviews / self.sessions, 2) if self.sessions else 0.0

    @property
    def bounce_rate(self) -> int:
        """Percent of visits that saw one page and did nothing else."""
        return round(100 * self.bounces / self.sessions) if self.sessions else 0

    @property
    def visit_duration(self) -> int:
        """Average seconds per visit."""
        return round(self.duration / self.sessions) if self.sessions else 0


@dataclass(frozen=True)
class BreakdownRow:
    value: str  # what the filter parameter takes
    label: str
    visitors: int
    count: int  # pageviews; events for events and properties; visits for entry and exit pages
    bounce_rate: int | None = None  # entry and exit pages only
    visit_duration: int | None = None


@dataclass(frozen=True)
class Point:
    bucket: datetime
    pageviews: int
    visitors: int


def stats_filters_from(params) -> dict[str, str]:
    """The dashboard filters in a query dict; unknown keys and empty values are ignored."""
    filters = {}
    for name in (*DIMENSIONS, PROPERTY):
        value = clean_text(params.get(name) or "", FILTER_MAX_LENGTH)
        if value:
            filters[name] = value
    return filters


def visits_matching(*, site: Site, filters: dict[str, str]) -> QuerySet[Visit]:
    """A site's visits that match the dashboard filters (referrer=direct: no referrer)."""
    lookups = {}
    for name, value in filters.items():
        if name in DIMENSIONS:
            lookups[DIMENSIONS[name]] = "" if name == "referrer" and value == DIRECT else value
    visits = Visit.objects.filter(site=site, **lookups)
    if PROPERTY in filters:
        visits = prop_filter(visits, filters[PROPERTY])
    return visits


def _rows(
    *,
    site: Site,
    period: Period,
    filters: dict,
    dimension: str,
    now: datetime,
    first_day: date | None = None,
    last_day: date | None = None,
    by_day: bool = False,
    with_sessions: bool = False,
) -> list[DailyRow]:
    """Rows of one dimension for first_day..last_day (default: the period): rollups for finished
    days when unfiltered, raw visits for the rest (grouped per day only when `by_day`)."""
    first_day = first_day or period.first_day
    last_day = last_day or period.last_day
    raw_from = first_day
    rows: list[DailyRow] = []
    if not filters:
        finished = rollup_ensure(site=site, first_day=first_day, last_day=last_day, now=now)
        if finished >= first_day:
            rolled = DailyRollup.objects.filter(
                site=site, dimension=dimension, day__gte=first_day, day__lte=min(finished, last_day)
            ).values_list(*ROLLUP_FIGURES)
            rows = [DailyRow(*values) for values in rolled]
            raw_from = finished + timedelta(days=1)
    if raw_from <= last_day:
        start, end = local_bounds(raw_from, last_day, period.tz)
        visits = visits_matching(site=site, filters=filters).filter(
            timestamp__gte=start, timestamp__lt=end
        )
        sessions = None
        if dimension in SESSION_DIMENSIONS or (dimension == TOTAL and with_sessions):
            key = (site.pk, tuple(sorted(filters.items())), raw_from, last_day)
            sessions = sessions_shared_for(key, visits, tz=period.tz)
        rows += daily_rows(
            visits,
            tz=period.tz,
            dimension=dimension,
            by_day=by_day,
            with_sessions=with_sessions,
            sessions=sessions,
        )
    return rows


def _sum(rows: list[DailyRow]) -> Totals:
    return Totals(**{name: sum(getattr(row, name) for row in rows) for name in ROLLUP_FIGURES[3:]})


def visit_totals(
    *, site: Site, period: Period, filters: dict[str, str], now: datetime
) -> tuple[Totals, Totals]:
    """Headline figures for the period and the period before it."""
    common = {
        "site": site,
        "period": period,
        "filters": filters,
        "dimension": TOTAL,
        "now": now,
        "with_sessions": True,
    }
    return (
        _sum(_rows(first_day=period.first_day, last_day=period.last_day, **common)),
        _sum(
            _rows(first_day=period.previous_first_day, last_day=period.previous_last_day, **common)
        ),
    )


def visit_timeseries(
    *, site: Site, period: Period, filters: dict[str, str], now: datetime
) -> list[Point]:
    """Pageviews and visitors per hour (one-day periods) or per day, gaps filled with zeros."""
    if period.hourly:
        return _hourly(site=site, period=period, filters=filters)
    by_day = {
        row.day: row
        for row in _rows(
            site=site, period=period, filters=filters, dimension=TOTAL, now=now, by_day=True
        )
    }
    points = []
    for offset in range(period.days):
        day = period.first_day + timedelta(days=offset)
        row = by_day.get(day)
        points.append(
            Point(
                bucket=datetime.combine(day, datetime.min.time(), period.tz),
                pageviews=row.pageviews if row else 0,
                visitors=row.visitors if row else 0,
            )
        )
    return points


def _hourly(*, site: Site, period: Period, filters: dict[str, str]) -> list[Point]:
    rows = (
        visits_matching(site=site, filters=filters)
        .filter(timestamp__gte=period.start, timestamp__lt=period.end)
        .exclude(event=ENGAGEMENT)
        .annotate(bucket=TruncHour("timestamp", tzinfo=period.tz))
        .values("bucket")
        .annotate(
            pageviews=Count("id", filter=Q(event=PAGEVIEW)),
            visitors=Count("visitor_hash", distinct=True),
        )
        .order_by("bucket")
    )
    found = {row["bucket"]: row for row in rows}
    hours = int((period.end - period.start).total_seconds() // 3600)
    points = []
    for hour in range(hours):
        bucket = (period.start + timedelta(hours=hour)).astimezone(period.tz)
        row = found.get(bucket, {})
        points.append(Point(bucket, row.get("pageviews", 0), row.get("visitors", 0)))
    return points


def visit_breakdown(
    *,
    site: Site,
    period: Period,
    filters: dict[str, str],
    dimension: str,
    now: datetime,
    limit: int = 10,
    property_key: str = "",
) -> list[BreakdownRow]:
    """The top values of one dimension by visitors, with pageviews (custom events and their
    properties: event counts; entry and exit pages: visits, bounce rate and duration)."""
    merged: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in _rows(site=site, period=period, filters=filters, dimension=dimension, now=now):
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
        text = label or value or "Unknown"
    elif dimension == "city" and value:
        text = f"{value}, {label}" if label else value
    elif dimension == "referrer" and not value:
        value, text = DIRECT, "Direct / none"
    elif dimension in ("device", "screen") and value:
        text = value.capitalize()
    else:
        text = value or "Unknown"
    return BreakdownRow(value=value, label=text, visitors=visitors, count=count)


def visit_live(*, site: Site, now: datetime) -> dict[str, int]:
    """Visitors and pageviews in the last five minutes."""
    return (
        Visit.objects.filter(site=site, timestamp__gte=now - LIVE_WINDOW, timestamp__lte=now)
        .exclude(event=ENGAGEMENT)
        .aggregate(
            visitors=Count("visitor_hash", distinct=True),
            pageviews=Count("id", filter=Q(event=PAGEVIEW)),
        )
    )


@dataclass(frozen=True)
class GoalRow:
    name: str
    kind: str
    value: str
    visitors: int
    completions: int
    rate: float  # percent of the period's unique visitors
    id: int = 0


def visit_goals(
    *, site: Site, period: Period, filters: dict[str, str], now: datetime, total_visitors: int
) -> list[GoalRow]:
    """Visitors who reached each goal of the site, how often, and the conversion rate.

    Event goals and exact pages are read like their breakdowns (rollups where they serve);
    a path with `*` matches raw visits.
    """
    rows_by_dimension: dict[str, list[DailyRow]] = {}
    result = []
    for goal in site.goals.all():
        if goal.kind == "event" or "*" not in goal.value:
            dimension = "event" if goal.kind == "event" else "page"
            if dimension not in rows_by_dimension:
                rows_by_dimension[dimension] = _rows(
                    site=site, period=period, filters=filters, dimension=dimension, now=now
                )
            matched = [row for row in rows_by_dimension[dimension] if row.value == goal.value]
        else:
            pattern = "^" + ".*".join(re.escape(part) for part in goal.value.split("*")) + "$"
            visits = visits_matching(site=site, filters=filters).filter(
                timestamp__gte=period.start, timestamp__lt=period.end, path__regex=pattern
            )
            matched = daily_rows(visits, tz=period.tz, dimension=TOTAL, by_day=False)
        visitors = sum(row.visitors for row in matched)
        completions = sum(row.events if goal.kind == "event" else row.pageviews for row in matched)
        rate = round(100 * visitors / total_visitors, 1) if total_visitors else 0.0
        result.append(
            GoalRow(goal.name, goal.kind, goal.value, visitors, completions, rate, goal.pk)
        )
    return result
