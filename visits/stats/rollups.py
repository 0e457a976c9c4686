"""Daily rollups: each finished day of a site summed once, so reports over months stay fast.

A day is rolled up once it has ended in the site's time zone (with a short grace period for
requests still in flight). Reports read rollups for finished days and raw visits for the rest.
Anything that changes past visits (imports, demo data, purges, a new time zone) rebuilds or
drops the affected days.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from sites.models import Site
from visits.ingest.bulk import statistics_refresh
from visits.ingest.referrers import INTERNAL
from visits.models import (
    ENGAGEMENT,
    PAGEVIEW,
    DailyRollup,
    FilteredRollup,
    ReportDay,
    RevenueRollup,
    Visit,
)
from visits.stats.dimensions import (
    DERIVED,
    DIMENSIONS,
    PROPERTY,
    REFERRER_DIMENSIONS,
    ROLLED_FILTERS,
    TAGGED_ONLY,
    TOTAL,
)
from visits.stats.local_day import LocalDate
from visits.stats.periods import local_bounds
from visits.stats.properties import property_rows
from visits.stats.revenue_rows import revenue_rows
from visits.stats.rollup_write import rollup_rows_insert
from visits.stats.sessions import ENTRY, EXIT, Session, session_figures, sessions_of

# Rows of these dimensions also carry the country name, to label them.
LABEL_FIELDS = {"country": "country", "city": "country"}
GRACE = timedelta(minutes=5)
# Filtered rollups are built this many days at a time, so a year's worth never sits in memory.
FILTERED_CHUNK_DAYS = 31
STATISTICS_AFTER = 50_000  # rollup rows
ROLLUP_MODELS = (DailyRollup, FilteredRollup, RevenueRollup)


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
    filter_value: str = ""  # with `split`: the value of the split dimension these rows are for


def daily_rows(
    queryset: QuerySet[Visit],
    *,
    tz: ZoneInfo,
    dimension: str,
    by_day: bool = True,
    with_sessions: bool = False,
    sessions: list[Session] | None = None,
    split: str = "",
) -> list[DailyRow]:
    """Raw visits summed per value of one dimension (or in total), per day in `tz` if `by_day`.

    Without `by_day` the rows cover the whole queryset and carry `day=None`; their visitors
    still equal the sum of daily visitors, since a visitor hash never spans two local days.
    Totals carry visit (session) figures when `with_sessions`; entry and exit pages always do.
    `sessions`, when given, are the queryset's visits already formed (see `sessions_of`).
    With `split` (a filter's name), rows are summed per value of that filter too, exactly as if
    the queryset were filtered by each value in turn, and carry it as `filter_value`.
    """
    split_field = DIMENSIONS[split] if split else ""
    if dimension in (ENTRY, EXIT):
        if sessions is None:
            sessions = sessions_of(queryset, tz=tz, split=split_field)
        return session_rows(sessions, dimension=dimension, by_day=by_day)
    if dimension == TOTAL and with_sessions:
        if sessions is None:
            sessions = sessions_of(queryset, tz=tz, split=split_field)
        return _with_sessions(queryset, sessions, tz=tz, by_day=by_day, split=split)
    queryset = queryset.exclude(event=ENGAGEMENT)
    if dimension == PROPERTY:
        rows = property_rows(queryset, tz=tz, by_day=by_day, split=split_field)
        return [DailyRow(*values) for values in rows]
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
        queryset = queryset.annotate(day=LocalDate("timestamp", tzinfo=tz))
    figures = {
        "visitors": Count("visitor_hash", distinct=True),
        "pageviews": Count("id", filter=Q(event=PAGEVIEW)),
        "events": Count("id", filter=~Q(event=PAGEVIEW)),
    }
    extra = [split_field] if split_field and split_field not in fields else []
    grouping = (["day"] if by_day else []) + fields + extra
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
            filter_value=row[split_field] if split_field else "",
        )
        for row in rows
    ]


def session_rows(sessions: list[Session], *, dimension: str, by_day: bool) -> list[DailyRow]:
    """Visits per entry or exit page (and day, and split value)."""
    grouped = session_figures(
        sessions,
        by_day=by_day,
        key=(
            (lambda session: (session.split, session.entry))
            if dimension == ENTRY
            else (lambda session: (session.split, session.exit))
        ),
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
            filter_value=part,
        )
        for (day, (part, value)), figures in grouped.items()
    ]


def _with_sessions(
    queryset: QuerySet[Visit], sessions: list[Session], *, tz: ZoneInfo, by_day: bool, split: str
) -> list[DailyRow]:
    """Totals (per day or overall, and split value) with the visits' figures added."""
    plain = daily_rows(queryset, tz=tz, dimension=TOTAL, by_day=by_day, split=split)
    return with_session_figures(plain, sessions, by_day=by_day)


def with_session_figures(
    plain: list[DailyRow], sessions: list[Session], *, by_day: bool
) -> list[DailyRow]:
    """Totals rows with the figures of the visits of their day (and split value) added."""
    grouped = session_figures(sessions, by_day=by_day, key=lambda session: session.split)
    rows = []
    for row in plain:
        figures = grouped.pop((row.day, row.filter_value), None)
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
            {"site_id": site.pk, "dimension": dimension, **_figures_of(row)} for row in rows
        ]
    day_count = (last_day - first_day).days + 1
    # Only the rollups: the days' visits are unchanged, so their reports' cache still holds.
    _rollups_drop(
        site=site,
        days={first_day + timedelta(days=n) for n in range(day_count)},
        models=ROLLUP_MODELS,
    )
    written = rollup_rows_insert(model=DailyRollup, rows=rollups)
    written += rollup_rows_insert(
        model=RevenueRollup,
        rows=({"site_id": site.pk, **vars(row)} for row in revenue_rows(visits, tz=tz)),
    )
    for offset in range(0, day_count, FILTERED_CHUNK_DAYS):
        chunk_first = first_day + timedelta(days=offset)
        chunk_last = min(last_day, chunk_first + timedelta(days=FILTERED_CHUNK_DAYS - 1))
        start, end = local_bounds(chunk_first, chunk_last, tz)
        chunk = Visit.objects.filter(site=site, timestamp__gte=start, timestamp__lt=end)
        if chunk.exists():  # a site's quiet months cost one query, not a hundred
            written += _filtered_build(site=site, visits=chunk, tz=tz)
    if written >= STATISTICS_AFTER:  # a backfill, not a day: the planner must see the new rows
        statistics_refresh(models=[DailyRollup, FilteredRollup, RevenueRollup])
    return written


def _figures_of(row) -> dict:
    """What a daily row and both kinds of rollup share."""
    return {
        "day": row.day,
        "value": row.value,
        "label": row.label,
        "visitors": row.visitors,
        "pageviews": row.pageviews,
        "events": row.events,
        "sessions": row.sessions,
        "bounces": row.bounces,
        "duration": row.duration,
    }


def _filtered_build(*, site: Site, visits: QuerySet[Visit], tz: ZoneInfo) -> int:
    """The rollups of every value of every rolled-up filter, for the same visits."""
    written = 0
    for name in ROLLED_FILTERS:
        sessions = sessions_of(visits, tz=tz, split=DIMENSIONS[name])
        rollups = []
        for dimension in (TOTAL, *DIMENSIONS, *DERIVED):
            rows = daily_rows(
                visits,
                tz=tz,
                dimension=dimension,
                with_sessions=True,
                sessions=sessions,
                split=name,
            )
            rollups += [
                {
                    "site_id": site.pk,
                    "filter": name,
                    "filter_key": filter_key(row.filter_value),
                    "filter_value": row.filter_value,
                    "dimension": dimension,
                    **_figures_of(row),
                }
                for row in rows
            ]
        written += rollup_rows_insert(model=FilteredRollup, rows=rollups)
    return written


def filter_key(value: str) -> int:
    """The digest a filtered rollup is found by: 64 bits of BLAKE2b of its filter value."""
    digest = hashlib.blake2b(value.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


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
    """Drop rollups and the reports' per-day cache (all of the site's, some days', or every day
    up to `through`) so they are rebuilt from visits. Every change to past visits comes
    through here."""
    _rollups_drop(site=site, days=days, through=through, models=(*ROLLUP_MODELS, ReportDay))


def _rollups_drop(*, site: Site, models, days=None, through=None) -> None:
    site.__dict__.pop("_rollups_ready", None)
    for model in models:
        rollups = model.objects.filter(site=site)
        if days is not None:
            rollups = rollups.filter(day__in=days)
        if through is not None:
            rollups = rollups.filter(day__lte=through)
        rollups.delete()
