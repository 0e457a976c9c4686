"""The chart's points: per hour for one-day periods (raw visits), per day otherwise (rollups
where they hold the view, see `visits.stats.figures`), for one site or several of one time zone
added up."""

from datetime import date, datetime, timedelta
from itertools import groupby

from django.db.models import Count, Q
from django.db.models.functions import TruncHour

from sites.models import Site
from visits.models import ENGAGEMENT, PAGEVIEW
from visits.stats.daily_rows import DailyRow
from visits.stats.dimensions import TOTAL
from visits.stats.figures import figure_rows
from visits.stats.filters import visits_matching
from visits.stats.periods import Period
from visits.stats.sessions import hourly_sessions
from visits.stats.totals import Point, sum_rows


def visit_timeseries(
    *,
    site: Site,
    period: Period,
    filters: dict[str, str],
    now: datetime,
    with_sessions: bool = False,
    sites: list[Site] | None = None,
) -> list[Point]:
    """Pageviews, visitors and events per hour (one-day periods) or per day, gaps filled with
    zeros; visits, bounces and durations too `with_sessions` (they cost a walk of the visits)."""
    if period.hourly:
        series = [
            _hourly(site=one, period=period, filters=filters, with_sessions=with_sessions)
            for one in sites or [site]
        ]
        return [points_added(points) for points in zip(*series, strict=True)]
    rows = figure_rows(
        site=site,
        period=period,
        filters=filters,
        dimension=TOTAL,
        now=now,
        by_day=True,
        with_sessions=with_sessions,
        sites=sites,
    )
    by_day = {day: sum_rows(list(same)) for day, same in groupby(sorted(rows, key=_day), key=_day)}
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


def _day(row: DailyRow) -> date:
    return row.day


def points_added(points: tuple[Point, ...]) -> Point:
    """One bucket's points of several sites, added up."""
    return Point(
        bucket=points[0].bucket,
        **{
            name: sum(getattr(point, name) for point in points)
            for name in ("pageviews", "visitors", "events", "sessions", "bounces", "duration")
        },
    )


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
