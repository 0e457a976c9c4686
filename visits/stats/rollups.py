"""Daily rollups: each finished day of a site summed once, so reports over months stay fast.

A day is rolled up once it has ended in the site's time zone (with a short grace period for
requests still in flight). Reports read rollups for finished days and raw visits for the rest.
Anything that changes past visits (imports, demo data, purges, a new time zone) rebuilds or
drops the affected days.
"""

import hashlib
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from zoneinfo import ZoneInfo

from django.db import transaction

from sites.models import Site
from visits.ingest.bulk import statistics_refresh
from visits.models import (
    DailyRollup,
    FilteredRollup,
    ReportDay,
    RevenueRollup,
    Visit,
)
from visits.stats.daily_rows import DailyRow
from visits.stats.dimensions import ROLLED_FILTERS, TOTAL
from visits.stats.onepass import split_pass_rows
from visits.stats.periods import local_bounds
from visits.stats.revenue_rows import revenue_rows
from visits.stats.rollup_write import rollup_rows_insert, rollup_values_insert

GRACE = timedelta(minutes=5)
# Rollups are built from this many days' visits at a time, read once into memory (a busy
# week of a site with ten million visits a year is about a gigabyte).
CHUNK_DAYS = 7
STATISTICS_AFTER = 50_000  # rollup rows
ROLLUP_MODELS = (DailyRollup, FilteredRollup, RevenueRollup)
# The columns a daily row fills in both kinds of rollup.
FIGURES = (
    "day",
    "value",
    "label",
    "visitors",
    "pageviews",
    "events",
    "sessions",
    "bounces",
    "duration",
)


def last_finished_day(*, site: Site, now: datetime) -> date:
    """The latest day that has ended in the site's time zone, allowing for late requests."""
    return (now - GRACE).astimezone(ZoneInfo(site.timezone)).date() - timedelta(days=1)


@transaction.atomic
def rollup_build(*, site: Site, first_day: date, last_day: date) -> int:
    """(Re)compute the rollups of the days first_day..last_day; return the rows written."""
    # One builder per site at a time, so two requests never both insert the same days.
    Site.objects.select_for_update().filter(pk=site.pk).first()
    tz = ZoneInfo(site.timezone)
    day_count = (last_day - first_day).days + 1
    # Only the rollups: the days' visits are unchanged, so their reports' cache still holds.
    _rollups_drop(
        site=site,
        days={first_day + timedelta(days=n) for n in range(day_count)},
        models=ROLLUP_MODELS,
    )
    written = 0
    for offset in range(0, day_count, CHUNK_DAYS):
        chunk_first = first_day + timedelta(days=offset)
        chunk_last = min(last_day, chunk_first + timedelta(days=CHUNK_DAYS - 1))
        written += _chunk_build(site=site, first_day=chunk_first, last_day=chunk_last, tz=tz)
    start, end = local_bounds(first_day, last_day, tz)
    visits = Visit.objects.filter(site=site, timestamp__gte=start, timestamp__lt=end)
    written += rollup_rows_insert(
        model=RevenueRollup,
        rows=({"site_id": site.pk, **vars(row)} for row in revenue_rows(visits, tz=tz)),
    )
    if written >= STATISTICS_AFTER:  # a backfill, not a day: the planner must see the new rows
        statistics_refresh(models=[DailyRollup, FilteredRollup, RevenueRollup])
    return written


def _chunk_build(*, site: Site, first_day: date, last_day: date, tz: ZoneInfo) -> int:
    """The daily and filtered rollups of a few days, from one read of their visits."""
    start, end = local_bounds(first_day, last_day, tz)
    visits = Visit.objects.filter(site=site, timestamp__gte=start, timestamp__lt=end)
    passes = split_pass_rows(visits, tz=tz, splits=("", *ROLLED_FILTERS))
    unsplit = passes.pop("")
    # A totals row for every day, even an empty one, marks the day as done.
    seen = {row.day for row in unsplit[TOTAL]}
    unsplit[TOTAL] += [
        DailyRow(first_day + timedelta(days=n), "", "", 0, 0, 0)
        for n in range((last_day - first_day).days + 1)
        if first_day + timedelta(days=n) not in seen
    ]
    site_id = site.pk
    written = rollup_values_insert(
        model=DailyRollup,
        columns=("site_id", "dimension", *FIGURES),
        values=[
            (site_id, dimension, *_figures_of(row))
            for dimension, rows in unsplit.items()
            for row in rows
        ],
    )
    return written + rollup_values_insert(
        model=FilteredRollup,
        columns=("site_id", "filter", "filter_key", "filter_value", "dimension", *FIGURES),
        values=[
            (
                site_id,
                name,
                filter_key(row.filter_value),
                row.filter_value,
                dimension,
                *_figures_of(row),
            )
            for name, dimensions in passes.items()
            for dimension, rows in dimensions.items()
            for row in rows
        ],
    )


# What a daily row and both kinds of rollup share: the values of `FIGURES`, in that order.
_figures_of = attrgetter(*FIGURES)


@lru_cache(maxsize=65536)  # a page's rows of one build share its digest
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
