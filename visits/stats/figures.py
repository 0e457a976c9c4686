"""Selectors for the dashboard. Figures are summed in the database, per day in the site's time zone.

Unique visitors come from the daily visitor hash, so a period's visitors are the sum of its days'
unique visitors, as in other cookie-free analytics. Finished days are read from rollups
(`visits.rollups`), the rest from raw visits; so are views filtered by one rolled-up filter
(`ROLLED_FILTERS`), while two filters or a rarer one read raw visits throughout.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour

from sites.models import Site
from visits.models import ENGAGEMENT, PAGEVIEW, DailyRollup, FilteredRollup, Visit
from visits.stats.dimensions import ROLLED_FILTERS, SESSION_DIMENSIONS, TOTAL
from visits.stats.filters import filter_column_value, visits_matching
from visits.stats.onepass import PASS_DIMENSIONS, pass_rows
from visits.stats.periods import Period, local_bounds
from visits.stats.rollups import DailyRow, daily_rows, filter_key, rollup_ensure
from visits.stats.sessions import hourly_sessions, sessions_shared_for, shared_value

LIVE_WINDOW = timedelta(minutes=5)
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
class Point:
    bucket: datetime
    pageviews: int
    visitors: int
    events: int = 0
    sessions: int = 0  # visits
    bounces: int = 0
    duration: int = 0  # seconds, summed over the visits


def figure_rows(
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
    days when unfiltered or filtered by one rolled-up filter, raw visits for the rest (grouped
    per day only when `by_day`)."""
    first_day = first_day or period.first_day
    last_day = last_day or period.last_day
    raw_from = first_day
    rows: list[DailyRow] = []
    rollups = _rollups_for(site=site, filters=filters)
    if rollups is not None:
        finished = rollup_ensure(site=site, first_day=first_day, last_day=last_day, now=now)
        if finished >= first_day:
            rolled = rollups.filter(
                dimension=dimension, day__gte=first_day, day__lte=min(finished, last_day)
            ).values_list(*ROLLUP_FIGURES)
            rows = [DailyRow(*values) for values in rolled]
            raw_from = finished + timedelta(days=1)
    if raw_from <= last_day:
        start, end = local_bounds(raw_from, last_day, period.tz)
        visits = visits_matching(site=site, filters=filters).filter(
            timestamp__gte=start, timestamp__lt=end
        )
        if rollups is None and dimension in PASS_DIMENSIONS:
            # No rollup holds this view: one read of its rows for every panel of the page (or
            # just this one, alone), instead of one query per panel walking the same rows.
            key = ("pass", site.pk, tuple(sorted(filters.items())), raw_from, last_day)
            shared = shared_value(key, lambda: pass_rows(visits, tz=period.tz))
            passed = shared or pass_rows(visits, tz=period.tz, dimensions=(dimension,))
            return rows + passed[dimension]
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


def _rollups_for(*, site: Site, filters: dict[str, str]) -> QuerySet | None:
    """The rollups that hold a view's figures: the daily ones unfiltered, the filtered ones
    for one rolled-up filter; None where only raw visits can tell."""
    if not filters:
        return DailyRollup.objects.filter(site=site)
    if len(filters) > 1:
        return None
    ((name, value),) = filters.items()
    if name not in ROLLED_FILTERS:
        return None
    value = filter_column_value(name, value)
    return FilteredRollup.objects.filter(
        site=site, filter=name, filter_key=filter_key(value), filter_value=value
    )


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
        _sum(figure_rows(first_day=period.first_day, last_day=period.last_day, **common)),
        _sum(
            figure_rows(
                first_day=period.previous_first_day, last_day=period.previous_last_day, **common
            )
        ),
    )


def visit_timeseries(
    *,
    site: Site,
    period: Period,
    filters: dict[str, str],
    now: datetime,
    with_sessions: bool = False,
) -> list[Point]:
    """Pageviews, visitors and events per hour (one-day periods) or per day, gaps filled with
    zeros; visits, bounces and durations too `with_sessions` (they cost a walk of the visits)."""
    if period.hourly:
        return _hourly(site=site, period=period, filters=filters, with_sessions=with_sessions)
    by_day = {
        row.day: row
        for row in figure_rows(
            site=site,
            period=period,
            filters=filters,
            dimension=TOTAL,
            now=now,
            by_day=True,
            with_sessions=with_sessions,
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
                events=row.events if row else 0,
                sessions=row.sessions if row else 0,
                bounces=row.bounces if row else 0,
                duration=row.duration if row else 0,
            )
        )
    return points


def _hourly(
    *, site: Site, period: Period, filters: dict[str, str], with_sessions: bool
) -> list[Point]:
    hits = visits_matching(site=site, filters=filters).filter(
        timestamp__gte=period.start, timestamp__lt=period.end
    )
    rows = (
        hits.exclude(event=ENGAGEMENT)
        .annotate(bucket=TruncHour("timestamp", tzinfo=period.tz))
        .values("bucket")
        .annotate(
            pageviews=Count("id", filter=Q(event=PAGEVIEW)),
            visitors=Count("visitor_hash", distinct=True),
            events=Count("id", filter=~Q(event=PAGEVIEW)),
        )
        .order_by("bucket")
    )
    found = {row["bucket"]: row for row in rows}
    visits = hourly_sessions(hits, tz=period.tz) if with_sessions else {}
    hours = int((period.end - period.start).total_seconds() // 3600)
    points = []
    for hour in range(hours):
        bucket = (period.start + timedelta(hours=hour)).astimezone(period.tz)
        row = found.get(bucket, {})
        sessions, bounces, duration = visits.get(bucket.replace(tzinfo=None), (0, 0, 0))
        points.append(
            Point(
                bucket,
                row.get("pageviews", 0),
                row.get("visitors", 0),
                events=row.get("events", 0),
                sessions=sessions,
                bounces=bounces,
                duration=duration,
            )
        )
    return points


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
