"""The per-day cache of the funnel, journey and experiment reports and of the dashboard's views
no rollup holds (`ReportDay`; the views' own rules are in `visits.stats.view_days`).

A visit never crosses midnight in the site's time zone and a visitor hash belongs to one day,
so a report of a period is exactly the sum of its days' figures, filtered or not (the filters
pick hits, visits are formed from those). Finished days are read from the cache; the days
missing from it are computed in one raw pass per run of consecutive days and stored. A report
filtered by one rolled-up filter is cached per value like an unfiltered one (the filter is part
of the key); two filters, a rarer one or a property read raw visits, as
does today (still changing). The rows go with the day's rollups (`rollup_forget`) whenever past
visits change.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.utils import timezone

from sites.models import Site
from visits.models import ReportDay
from visits.stats.dimensions import ROLLED_FILTERS
from visits.stats.periods import Period, local_bounds
from visits.stats.rollups import GRACE

FUNNEL, JOURNEY, EXPERIMENT = "funnel", "journey", "experiment"
DROP_OFF = "dropped"  # the drop-off dashboard (visits.stats.view_days)
VIEW = "view"  # a dashboard view no rollup holds (visits.stats.view_days)
GOAL_PATH = "goalpath"  # a page goal with `*`, under any filters (visits.stats.goals)
REVENUE = "revenue"  # revenue goals under filters (visits.stats.revenue)
SCROLL = "scroll"  # scroll depths of views rollups hold (visits.stats.performance)
# Kinds keyed by any filters keep at most this many days per site, the oldest stored going
# first: a shared link's visitors can ask for any filters.
KEPT_DAYS = 20_000
# Part of every key: a change to how a report counts bumps it, and old rows are never read.
KEY_VERSION = 1

# (start, end) -> {local day: summable figures} for the days in [start, end) that have any.
Compute = Callable[[datetime, datetime], dict[date, dict]]


def report_key(*, kind: str, definition) -> int:
    """64 bits of BLAKE2b of the report's definition (JSON-able), signed to fit a BigInteger."""
    text = json.dumps([KEY_VERSION, kind, definition], sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def report_days(
    *,
    site: Site,
    kind: str,
    key: int,
    period: Period,
    filters: dict[str, str],
    compute: Compute,
    keep: Callable[[dict], bool] = lambda data: True,
    limit: int | None = None,
) -> dict[date, dict]:
    """The period's figures per local day: finished days of a report unfiltered or filtered by
    one rolled-up filter from the cache (computing and storing those it lacks, unless
    `keep(data)` says no; the site's oldest days of the kind beyond `limit` go), the rest raw."""
    if not cacheable(filters):
        return compute(period.start, period.end)
    # Days are the period's local days: its time zone is part of the key, and of what is done.
    definition = [key, str(period.tz)]
    if filters:
        definition.append(sorted(filters.items()))
    key = report_key(kind=kind, definition=definition)
    finished = (timezone.now() - GRACE).astimezone(period.tz).date() - timedelta(days=1)
    last = min(period.last_day, finished)
    if last < period.first_day:
        return compute(period.start, period.end)
    figures = _cached(
        site=site,
        kind=kind,
        key=key,
        days=(period.first_day, last),
        tz=period.tz,
        compute=compute,
        keep=keep,
        limit=limit,
    )
    if last < period.last_day:
        today = last + timedelta(days=1)
        figures.update(compute(local_bounds(today, today, period.tz)[0], period.end))
    return figures


def kept_days(
    *,
    site: Site,
    kind: str,
    definition,
    period: Period,
    compute: Compute,
    keep: Callable[[dict], bool] = lambda data: True,
) -> dict[date, dict]:
    """`report_days` for the kinds kept under any filters: the filters are part of
    `definition`, and the site keeps at most `KEPT_DAYS` days of the kind."""
    return report_days(
        site=site,
        kind=kind,
        key=report_key(kind=kind, definition=definition),
        period=period,
        filters={},
        compute=compute,
        keep=keep,
        limit=KEPT_DAYS,
    )


def cacheable(filters: dict[str, str]) -> bool:
    """Whether a report's finished days under these filters are kept: unfiltered, or one
    rolled-up filter (whose values are few enough to keep each one's days)."""
    return not filters or (len(filters) == 1 and next(iter(filters)) in ROLLED_FILTERS)


def _cached(*, site, kind, key, days: tuple[date, date], tz, compute: Compute, keep, limit) -> dict:
    first, last = days
    rows = ReportDay.objects.filter(site=site, kind=kind, key=key, day__gte=first, day__lte=last)
    figures = dict(rows.values_list("day", "data"))
    new = []
    for run_first, run_last in _missing_runs(first, last, set(figures)):
        start, end = local_bounds(run_first, run_last, tz)
        computed = compute(start, end)
        for offset in range((run_last - run_first).days + 1):
            day = run_first + timedelta(days=offset)
            data = computed.get(day, {})
            figures[day] = data
            if keep(data):
                new.append(ReportDay(site=site, kind=kind, key=key, day=day, data=data))
    # Two readers may store the same day at once: the copies are equal, the second is skipped.
    ReportDay.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    if new and limit is not None:
        _trim(site=site, kind=kind, limit=limit)
    return {day: data for day, data in figures.items() if data}


def _trim(*, site, kind: str, limit: int) -> None:
    """Drop the site's oldest stored days of `kind` beyond the newest `limit`."""
    kept = ReportDay.objects.filter(site=site, kind=kind)
    oldest_kept = kept.order_by("-pk").values_list("pk", flat=True)[limit - 1 : limit]
    if oldest_kept:
        kept.filter(pk__lt=oldest_kept[0]).delete()


def _missing_runs(first: date, last: date, present: set[date]):
    """(first, last) of each run of consecutive days in first..last that is not in `present`."""
    run_first = None
    day = first
    while day <= last:
        if day not in present and run_first is None:
            run_first = day
        if day in present and run_first is not None:
            yield run_first, day - timedelta(days=1)
            run_first = None
        day += timedelta(days=1)
    if run_first is not None:
        yield run_first, last
