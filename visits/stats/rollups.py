"""Daily rollups: each finished day of a site summed once, so reports over months stay fast.

A day is rolled up once it has ended in the site's time zone (with a short grace period for
requests still in flight). Reports read rollups for finished days and raw visits for the rest.
Anything that changes past visits (imports, demo data, purges, a new time zone) rebuilds or
drops the affected days.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from sites.models import Site
from visits.ingest.referrers import INTERNAL
from visits.models import ENGAGEMENT, PAGEVIEW, DailyRollup, Visit
from visits.stats.dimensions import (
    DERIVED,
    DIMENSIONS,
    PROPERTY,
    REFERRER_DIMENSIONS,
    TAGGED_ONLY,
    TOTAL,
)
from visits.stats.periods import local_bounds
from visits.stats.properties import property_rows
from visits.stats.sessions import ENTRY, EXIT, Session, session_figures, sessions_of

# Rows of these dimensions also carry the country name, to label them.
LABEL_FIELDS = {"country": "country", "city": "country"}
GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class DailyRow:
    day: date | None
    value: str
    label: str
    visitors: int
    pageviews: int
    events: int
    sessions: int = 0
    bounces: int = 0
    duration: int = 0  # seconds, summed over the visits


def daily_rows(
    queryset: QuerySet[Visit],
    *,
    tz: ZoneInfo,
    dimension: str,
    by_day: bool = True,
    with_sessions: bool = False,
    sessions: list[Session] | None = None,
) -> list[DailyRow]:
    """Raw visits summed per value of one dimension (or in total), per day in `tz` if `by_day`.

    Without `by_day` the rows cover the whole queryset and carry `day=None`; their visitors
    still equal the sum of daily visitors, since a visitor hash never spans two local days.
    Totals carry visit (session) figures when `with_sessions`; entry and exit pages always do.
    `sessions`, when given, are the queryset's visits already formed (see `sessions_of`).
    """
    if dimension in (ENTRY, EXIT):
        sessions = sessions_of(queryset, tz=tz) if sessions is None else sessions
        return _session_rows(sessions, dimension=dimension, by_day=by_day)
    if dimension == TOTAL and with_sessions:
        sessions = sessions_of(queryset, tz=tz) if sessions is None else sessions
        return _with_sessions(queryset, sessions, tz=tz, by_day=by_day)
    queryset = queryset.exclude(event=ENGAGEMENT)
    if dimension == PROPERTY:
        return [DailyRow(*values) for values in property_rows(queryset, tz=tz, by_day=by_day)]
    fields = []
    if dimension:
        fields.append(DIMENSIONS[dimension])
        if dimension in LABEL_FIELDS:
            fields.append(LABEL_FIELDS[dimension])
    if dimension == "event":
        queryset = queryset.exclude(event=PAGEVIEW)
    elif dimension in REFERRER_DIMENSIONS:
        queryset = queryset.exclude(**{DIMENSIONS[dimension]: INTERNAL})
    elif dimension in TAGGED_ONLY:
        queryset = queryset.exclude(**{DIMENSIONS[dimension]: ""})
    if by_day:
        queryset = queryset.annotate(day=TruncDate("timestamp", tzinfo=tz))
    figures = {
        "visitors": Count("visitor_hash", distinct=True),
        "pageviews": Count("id", filter=Q(event=PAGEVIEW)),
        "events": Count("id", filter=~Q(event=PAGEVIEW)),
    }
    grouping = (["day"] if by_day else []) + fields
    if grouping:
        rows = list(queryset.values(*grouping).annotate(**figures).order_by())
    else:
        rows = [queryset.aggregate(**figures)]
    return [
        DailyRow(
            day=row["day"] if by_day else None,
            value=row[fields[0]] if fields else "",
            label=row[fields[1]] if len(fields) > 1 else "",
            visitors=row["visitors"],
            pageviews=row["pageviews"],
            events=row["events"],
        )
        for row in rows
    ]


def _session_rows(sessions: list[Session], *, dimension: str, by_day: bool) -> list[DailyRow]:
    """Visits per entry or exit page (and day)."""
    grouped = session_figures(
        sessions,
        by_day=by_day,
        key=(lambda session: session.entry) if dimension == ENTRY else (lambda s: s.exit),
    )
    return [
        DailyRow(
            day=day,
            value=value,
            label="",
            visitors=figures.visitors,
            pageviews=figures.pageviews,
            events=0,
            sessions=figures.sessions,
            bounces=figures.bounces,
            duration=figures.duration,
        )
        for (day, value), figures in grouped.items()
    ]


def _with_sessions(
    queryset: QuerySet[Visit], sessions: list[Session], *, tz: ZoneInfo, by_day: bool
) -> list[DailyRow]:
    """Totals (per day or overall) with the visits' figures added."""
    plain = daily_rows(queryset, tz=tz, dimension=TOTAL, by_day=by_day)
    grouped = session_figures(sessions, by_day=by_day)
    rows = []
    for row in plain:
        figures = grouped.pop((row.day, ""), None)
        if figures:
            row = replace(
                row,
                sessions=figures.sessions,
                bounces=figures.bounces,
                duration=figures.duration,
            )
        rows.append(row)
    return rows


def last_finished_day(*, site: Site, now: datetime) -> date:
    """The latest day that has ended in the site's time zone, allowing for late requests."""
    return (now - GRACE).astimezone(ZoneInfo(site.timezone)).date() - timedelta(days=1)


@transaction.atomic
def rollup_build(*, site: Site, first_day: date, last_day: date) -> int:
    """(Re)compute the rollups of the days first_day..last_day; return the rows written."""
    # One builder per site at a time, so two requests never both insert the same days.
    Site.objects.select_for_update().filter(pk=site.pk).first()
    tz = ZoneInfo(site.timezone)
    start, end = local_bounds(first_day, last_day, tz)
    visits = Visit.objects.filter(site=site, timestamp__gte=start, timestamp__lt=end)
    rollups = []
    # Formed once: the totals, entry pages and exit pages all read the same visits.
    sessions = sessions_of(visits, tz=tz)
    for dimension in (TOTAL, *DIMENSIONS, *DERIVED):
        rows = daily_rows(visits, tz=tz, dimension=dimension, with_sessions=True, sessions=sessions)
        if dimension == TOTAL:
            # A totals row for every day, even an empty one, marks the day as done.
            seen = {row.day for row in rows}
            day_count = (last_day - first_day).days + 1
            rows += [
                DailyRow(first_day + timedelta(days=n), "", "", 0, 0, 0)
                for n in range(day_count)
                if first_day + timedelta(days=n) not in seen
            ]
        rollups += [
            DailyRollup(
                site=site,
                day=row.day,
                dimension=dimension,
                value=row.value,
                label=row.label,
                visitors=row.visitors,
                pageviews=row.pageviews,
                events=row.events,
                sessions=row.sessions,
                bounces=row.bounces,
                duration=row.duration,
            )
            for row in rows
        ]
    day_count = (last_day - first_day).days + 1
    rollup_forget(site=site, days={first_day + timedelta(days=n) for n in range(day_count)})
    DailyRollup.objects.bulk_create(rollups, batch_size=2000)
    return len(rollups)


def rollup_ensure(*, site: Site, first_day: date, last_day: date, now: datetime) -> date:
    """Roll up any finished day in the range that isn't yet; return the last finished day."""
    finished = last_finished_day(site=site, now=now)
    last = min(last_day, finished)
    if last < first_day:
        return finished
    # Several panels of one page ask about the same days: check the database once per object.
    ready = getattr(site, "_rollups_ready", None)
    if ready is not None and ready[0] <= first_day and last <= ready[1]:
        return finished
    done = set(
        DailyRollup.objects.filter(
            site=site, dimension=TOTAL, day__gte=first_day, day__lte=last
        ).values_list("day", flat=True)
    )
    missing = [
        first_day + timedelta(days=n)
        for n in range((last - first_day).days + 1)
        if first_day + timedelta(days=n) not in done
    ]
    if missing:
        rollup_build(site=site, first_day=missing[0], last_day=missing[-1])
    site._rollups_ready = (first_day, last)
    return finished


def rollup_forget(
    *, site: Site, days: set[date] | None = None, through: date | None = None
) -> None:
    """Drop rollups (all of the site's, some days', or every day up to `through`) so they are
    rebuilt from visits. Every change to past visits comes through here."""
    site.__dict__.pop("_rollups_ready", None)
    rollups = DailyRollup.objects.filter(site=site)
    if days is not None:
        rollups = rollups.filter(day__in=days)
    if through is not None:
        rollups = rollups.filter(day__lte=through)
    rollups.delete()
