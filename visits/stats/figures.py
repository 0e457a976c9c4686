"""Selectors for the dashboard. Figures are summed in the database, per day in the site's time zone.

Unique visitors come from the daily visitor hash, so a period's visitors are the sum of its days'
unique visitors, as in other cookie-free analytics. Finished days are read from rollups
(`visits.rollups`), the rest from raw visits; so are views filtered by one rolled-up filter
(`ROLLED_FILTERS`), while two filters or a rarer one read raw visits throughout.

`figure_rows` and `visit_totals` (and `visits.stats.timeseries`) also read several sites of one time
zone together (`sites`, `site` being one of them), for the combined dashboard: one rollup query
for all of them, whose rows are each site's own, and raw visits site by site, so every figure
is exactly the sum of the sites' (two sites may hold the same visitor hash, say after an
import of one's export into the other).
"""

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from itertools import product

from django.db.models import Count, Q, QuerySet, Sum

from sites.models import Site
from visits.models import ENGAGEMENT, PAGEVIEW, DailyRollup, FilteredRollup, Visit
from visits.stats.daily_rows import DailyRow, daily_rows
from visits.stats.dimensions import ROLLED_FILTERS, SESSION_DIMENSIONS, TOTAL
from visits.stats.filters import filter_column_value, visits_matching
from visits.stats.onepass import PASS_DIMENSIONS, pass_rows
from visits.stats.periods import Period, local_bounds
from visits.stats.rollups import filter_key, rollup_ensure
from visits.stats.sessions import sessions_shared_for, shared_value
from visits.stats.totals import ROLLUP_FIGURES, Totals, sum_rows
from visits.stats.view_days import view_cached, view_rows

LIVE_WINDOW = timedelta(minutes=5)


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
    sites: list[Site] | None = None,
) -> list[DailyRow]:
    """Rows of one dimension for first_day..last_day (default: the period): rollups for finished
    days when unfiltered or filtered by one rolled-up filter, raw visits for the rest (grouped
    per day only when `by_day`)."""
    first_day = first_day or period.first_day
    last_day = last_day or period.last_day
    raw_from = first_day
    rows: list[DailyRow] = []
    group = sites or [site]
    rollups = _rollups_for(sites=group, filters=filters)
    if rollups is not None:
        finished = min(
            rollup_ensure(site=one, first_day=first_day, last_day=last_day, now=now)
            for one in group
        )
        if finished >= first_day:
            days = rollups.filter(
                dimension=dimension, day__gte=first_day, day__lte=min(finished, last_day)
            )
            rows = _rolled_rows(days, by_day=by_day)
            raw_from = finished + timedelta(days=1)
    if raw_from <= last_day:
        for one in group:
            rows += _raw_rows(
                site=one,
                period=period,
                filters=filters,
                dimension=dimension,
                days=(raw_from, last_day),
                by_day=by_day,
                with_sessions=with_sessions,
                one_pass=rollups is None,
            )
    return rows


def _rolled_rows(days: QuerySet, *, by_day: bool) -> list[DailyRow]:
    """The rollup rows of `days`, or (not `by_day`) their sums per value, added up by the
    database: every figure of a rollup row adds up across days and sites."""
    if by_day:
        return [DailyRow(*values) for values in days.values_list(*ROLLUP_FIGURES)]
    figures = ROLLUP_FIGURES[3:]
    summed = (
        days.order_by()
        .values("value", "label")
        .annotate(**{f"total_{name}": Sum(name) for name in figures})
    )
    return [
        DailyRow(None, row["value"], row["label"], *(row[f"total_{name}"] for name in figures))
        for row in summed
    ]


def _raw_rows(
    *,
    site: Site,
    period: Period,
    filters: dict,
    dimension: str,
    days: tuple[date, date],
    by_day: bool,
    with_sessions: bool,
    one_pass: bool,
) -> list[DailyRow]:
    """One site's rows of one dimension from raw visits of `days` (first and last)."""

    def read():
        start, end = local_bounds(*days, period.tz)
        return visits_matching(site=site, filters=filters).filter(
            timestamp__gte=start, timestamp__lt=end
        )

    if dimension in PASS_DIMENSIONS:
        # The comparison period before this one shows its totals alone.
        comparison = dimension == TOTAL and days[0] < period.first_day
        view = view_cached(site=site, period=period, filters=filters, totals_only=comparison)
        if view is not None:  # a view no rollup holds: its days' stored rows
            return view_rows(view=view, dimension=dimension, days=days)
        # One read of the rows for every panel of the page, instead of one query per panel
        # walking the same rows: today's for a rolled-up view, all of them where no rollup
        # holds the view (then also for a panel read alone). The queryset is built only when
        # the rows are read: building one costs more than finding the rows already read.
        # Days before the period (the headline's comparison) are asked only for their totals:
        # summing every panel's dimension there would double the pass's work for nothing.
        wanted = PASS_DIMENSIONS if days[0] >= period.first_day else (dimension,)
        key = ("pass", site.pk, tuple(sorted(filters.items())), *days, wanted)
        shared = shared_value(key, lambda: pass_rows(read(), tz=period.tz, dimensions=wanted))
        if shared is not None:
            return shared[dimension]
        if one_pass:
            return pass_rows(read(), tz=period.tz, dimensions=(dimension,))[dimension]
    visits = read()
    sessions = None
    if dimension in SESSION_DIMENSIONS or (dimension == TOTAL and with_sessions):
        key = (site.pk, tuple(sorted(filters.items())), *days)
        sessions = sessions_shared_for(key, visits, tz=period.tz)
    return daily_rows(
        visits,
        tz=period.tz,
        dimension=dimension,
        by_day=by_day,
        with_sessions=with_sessions,
        sessions=sessions,
    )


def _rollups_for(*, sites: list[Site], filters: dict[str, str]) -> QuerySet | None:
    """The rollups that hold a view's figures: the daily ones unfiltered, the filtered ones
    for one rolled-up filter; None where only raw visits can tell."""
    owned = {"site__in": sites} if len(sites) > 1 else {"site": sites[0]}
    if not filters:
        return DailyRollup.objects.filter(**owned)
    if len(filters) > 1:
        return None
    ((name, value),) = filters.items()
    if name not in ROLLED_FILTERS:
        return None
    value = filter_column_value(name, value)
    return FilteredRollup.objects.filter(
        **owned, filter=name, filter_key=filter_key(value), filter_value=value
    )


_GOAL_FIGURES = ("visitors", "pageviews", "events")


def value_figures_by_site(
    *,
    sites: list[Site],
    period: Period,
    filters: dict,
    now: datetime,
    wanted: dict[str, Collection[str]],
) -> dict[tuple[int, str, str], Totals]:
    """Each site's own figures of some values of some dimensions (`wanted`: dimension to
    values), by (site id, dimension, value), for sites of one time zone: their rollups in one
    query, their raw days (today) from each site's read shared by the page's panels. For the
    combined dashboard's goals, which belong to one site each."""
    wanted = {dimension: set(values) for dimension, values in wanted.items() if values}
    found: dict[tuple[int, str, str], list[DailyRow]] = defaultdict(list)
    if not sites or not wanted:
        return {}
    raw_from = period.first_day
    rollups = _rollups_for(sites=sites, filters=filters)
    if rollups is not None:
        finished = min(
            rollup_ensure(site=one, first_day=period.first_day, last_day=period.last_day, now=now)
            for one in sites
        )
        if finished >= period.first_day:
            chosen = Q()
            for dimension, values in wanted.items():
                chosen |= Q(dimension=dimension, value__in=sorted(values))
            summed = (
                rollups.filter(
                    chosen, day__gte=period.first_day, day__lte=min(finished, period.last_day)
                )
                .order_by()
                .values("site_id", "dimension", "value")
                .annotate(**{f"total_{name}": Sum(name) for name in _GOAL_FIGURES})
            )
            for row in summed:
                figures = [row[f"total_{name}"] for name in _GOAL_FIGURES]
                found[(row["site_id"], row["dimension"], row["value"])].append(
                    DailyRow(None, row["value"], "", *figures)
                )
            raw_from = finished + timedelta(days=1)
    if raw_from <= period.last_day:
        for one, (dimension, values) in product(sites, wanted.items()):
            rows = _raw_rows(
                site=one,
                period=period,
                filters=filters,
                dimension=dimension,
                days=(raw_from, period.last_day),
                by_day=False,
                with_sessions=False,
                one_pass=rollups is None,
            )
            for row in rows:
                if row.value in values:
                    found[(one.pk, dimension, row.value)].append(row)
    return {key: sum_rows(rows) for key, rows in found.items()}


def visit_totals(
    *,
    site: Site,
    period: Period,
    filters: dict[str, str],
    now: datetime,
    sites: list[Site] | None = None,
) -> tuple[Totals, Totals]:
    """Headline figures for the period and the period before it."""
    common = {
        "site": site,
        "sites": sites,
        "period": period,
        "filters": filters,
        "dimension": TOTAL,
        "now": now,
        "with_sessions": True,
    }
    return (
        sum_rows(figure_rows(first_day=period.first_day, last_day=period.last_day, **common)),
        sum_rows(
            figure_rows(
                first_day=period.previous_first_day, last_day=period.previous_last_day, **common
            )
        ),
    )


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
