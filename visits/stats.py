"""Selectors for the dashboard: every figure is aggregated in the database, one query per panel.

Unique visitors come from the daily visitor hash, so a person is counted once per day: over a
week, someone who came on three days counts three times, as in other cookie-free analytics.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay, TruncHour

from sites.models import Site
from visits.models import PAGEVIEW, Visit
from visits.periods import Period

# Query parameter -> Visit field. The same names filter the dashboard and head its panels.
DIMENSIONS = {
    "page": "path",
    "referrer": "referrer_domain",
    "country": "country_code",
    "region": "region",
    "city": "city",
    "browser": "browser",
    "os": "os",
    "device": "device",
    "event": "event",
}
DIRECT = "direct"  # the referrer filter's value for visits without a referrer
FILTER_MAX_LENGTH = 2048
LIVE_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Totals:
    pageviews: int
    visitors: int
    events: int

    @property
    def pages_per_visitor(self) -> float:
        return round(self.pageviews / self.visitors, 2) if self.visitors else 0.0


@dataclass(frozen=True)
class BreakdownRow:
    value: str  # what the filter parameter takes
    label: str
    visitors: int
    count: int


@dataclass(frozen=True)
class Point:
    bucket: datetime
    pageviews: int
    visitors: int


def stats_filters_from(params) -> dict[str, str]:
    """The dashboard filters in a query dict; unknown keys and empty values are ignored."""
    filters = {}
    for name in DIMENSIONS:
        value = (params.get(name) or "").strip()[:FILTER_MAX_LENGTH]
        if value:
            filters[name] = value
    return filters


def _filtered(site: Site, filters: dict[str, str]) -> QuerySet[Visit]:
    lookups = {}
    for name, value in filters.items():
        if name == "referrer" and value == DIRECT:
            value = ""
        lookups[DIMENSIONS[name]] = value
    return Visit.objects.filter(site=site, **lookups)


def _in(start: datetime, end: datetime) -> Q:
    return Q(timestamp__gte=start, timestamp__lt=end)


def visit_totals(*, site: Site, period: Period, filters: dict[str, str]) -> tuple[Totals, Totals]:
    """Headline figures for the period and the period before it, in one query."""
    current, previous = _in(period.start, period.end), _in(period.previous_start, period.previous_end)
    is_pageview = Q(event=PAGEVIEW)
    row = (
        _filtered(site, filters)
        .filter(timestamp__gte=period.previous_start, timestamp__lt=period.end)
        .aggregate(
            pageviews=Count("id", filter=current & is_pageview),
            visitors=Count("visitor_hash", filter=current, distinct=True),
            events=Count("id", filter=current & ~is_pageview),
            previous_pageviews=Count("id", filter=previous & is_pageview),
            previous_visitors=Count("visitor_hash", filter=previous, distinct=True),
            previous_events=Count("id", filter=previous & ~is_pageview),
        )
    )
    return (
        Totals(row["pageviews"], row["visitors"], row["events"]),
        Totals(row["previous_pageviews"], row["previous_visitors"], row["previous_events"]),
    )


def visit_timeseries(*, site: Site, period: Period, filters: dict[str, str]) -> list[Point]:
    """Pageviews and visitors per hour (one-day periods) or per day, gaps filled with zeros."""
    trunc = TruncHour if period.hourly else TruncDay
    rows = (
        _filtered(site, filters)
        .filter(_in(period.start, period.end))
        .annotate(bucket=trunc("timestamp", tzinfo=period.tz))
        .values("bucket")
        .annotate(
            pageviews=Count("id", filter=Q(event=PAGEVIEW)),
            visitors=Count("visitor_hash", distinct=True),
        )
        .order_by("bucket")
    )
    found = {_bucket_key(row["bucket"], period): row for row in rows}
    points = []
    for bucket in _buckets(period):
        row = found.get(_bucket_key(bucket, period), {})
        points.append(Point(bucket, row.get("pageviews", 0), row.get("visitors", 0)))
    return points


def _buckets(period: Period) -> list[datetime]:
    if period.hourly:
        step, count = timedelta(hours=1), int((period.end - period.start).total_seconds() // 3600)
        return [(period.start + step * n).astimezone(period.tz) for n in range(count)]
    return [
        datetime.combine(period.first_day + timedelta(days=n), datetime.min.time(), period.tz)
        for n in range(period.days)
    ]


def _bucket_key(bucket: datetime, period: Period):
    local = bucket.astimezone(period.tz)
    return local.replace(minute=0, second=0, microsecond=0) if period.hourly else local.date()


def visit_breakdown(
    *, site: Site, period: Period, filters: dict[str, str], dimension: str, limit: int = 10
) -> list[BreakdownRow]:
    """The top values of one dimension by unique visitors, with pageviews (or event counts)."""
    field = DIMENSIONS[dimension]
    queryset = _filtered(site, filters).filter(_in(period.start, period.end))
    if dimension == "event":
        queryset, counted = queryset.exclude(event=PAGEVIEW), Count("id")
    else:
        counted = Count("id", filter=Q(event=PAGEVIEW))
    label_field = {"country": "country", "city": "country"}.get(dimension)
    grouped = [field, label_field] if label_field else [field]
    rows = (
        queryset.values(*grouped)
        .annotate(visitors=Count("visitor_hash", distinct=True), count=counted)
        .order_by("-visitors", "-count", field)[:limit]
    )
    return [_breakdown_row(dimension, row, field, label_field) for row in rows]


def _breakdown_row(dimension: str, row: dict, field: str, label_field: str | None) -> BreakdownRow:
    value = row[field]
    if dimension == "country":
        label = row["country"] or value or "Unknown"
    elif dimension == "city" and value:
        label = f"{value}, {row['country']}" if row["country"] else value
    elif dimension == "referrer" and not value:
        value, label = DIRECT, "Direct / none"
    elif dimension == "device" and value:
        label = value.capitalize()
    else:
        label = value or "Unknown"
    return BreakdownRow(value=value, label=label, visitors=row["visitors"], count=row["count"])


def visit_live(*, site: Site, now: datetime) -> dict[str, int]:
    """Visitors and pageviews in the last five minutes."""
    return (
        Visit.objects.filter(site=site, timestamp__gte=now - LIVE_WINDOW, timestamp__lte=now)
        .aggregate(
            visitors=Count("visitor_hash", distinct=True),
            pageviews=Count("id", filter=Q(event=PAGEVIEW)),
        )
    )
