"""Engagement figures read from a period's engagement pings (they are not rolled up): the
average scroll depth, and each Core Web Vital's 75th percentile, rated by Google's thresholds.

A page view sends a ping each time its tab is hidden, each with the deepest point so far, so
scroll depth is taken once per page and visitor (a visitor is known for one day): the deepest
of their pings, then averaged. Vitals come with a page view's first ping only.

The 75th percentile is the nearest-rank one: of n measurements in order, the ceil(0.75 n)-th,
so it is always a value a visitor really had."""

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sites.models import Site
from visits.models import ENGAGEMENT, Visit
from visits.stats.filters import visits_matching
from visits.stats.periods import Period
from visits.stats.report_days import SCROLL, kept_days
from visits.stats.sessions import shared_or_made
from visits.stats.view_days import (
    filters_key,
    scroll_added,
    scroll_by_day,
    view_cached,
    view_scroll,
)


@dataclass(frozen=True)
class Metric:
    name: str  # the Visit field and the API's key
    label: str
    unit: str  # "ms", or "" for the unitless layout shift score
    good: float  # at most this is good
    poor: float  # above this is poor; in between needs improvement


# Google's thresholds (web.dev/articles/vitals), in the order the reports show them.
METRICS = (
    Metric("lcp", _("Largest contentful paint"), "ms", 2500, 4000),
    Metric("inp", _("Interaction to next paint"), "ms", 200, 500),
    Metric("cls", _("Cumulative layout shift"), "", 0.1, 0.25),
    Metric("fcp", _("First contentful paint"), "ms", 1800, 3000),
    Metric("ttfb", _("Time to first byte"), "ms", 800, 1800),
)
GOOD, NEEDS_IMPROVEMENT, POOR = "good", "needs improvement", "poor"
MAX_PAGES = 50


@dataclass(frozen=True)
class Vital:
    metric: Metric
    p75: float | None  # None: nothing measured
    samples: int

    @property
    def rating(self) -> str:
        if self.p75 is None:
            return ""
        if self.p75 <= self.metric.good:
            return GOOD
        return NEEDS_IMPROVEMENT if self.p75 <= self.metric.poor else POOR


@dataclass(frozen=True)
class PerformanceRow:
    page: str  # the path; "" for the whole site
    page_views: int  # pages and visitors with a measurement
    scroll_depth: int | None  # the average, in percent
    vitals: tuple[Vital, ...]


@dataclass(frozen=True)
class PerformanceReport:
    site: PerformanceRow
    pages: list[PerformanceRow]  # the most measured first, at most MAX_PAGES


def percentile_75(values: list[float]) -> float | None:
    """The nearest-rank 75th percentile, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.75 * len(ordered)) - 1]


def engagement_pings(*, site: Site, period: Period, filters: dict) -> QuerySet[Visit]:
    """The period's engagement pings that match the dashboard filters."""
    return visits_matching(site=site, filters=filters).filter(
        event=ENGAGEMENT, timestamp__gte=period.start, timestamp__lt=period.end
    )


def _average(values) -> int | None:
    return round(sum(values) / len(values)) if values else None


def _from_sums(sums) -> int | None:
    """The rounded average of [sum, count] (as the database's AVG, rounded)."""
    return round(sums[0] / sums[1]) if sums and sums[1] else None


def scroll_depth_averages(*, site: Site, period: Period, filters: dict) -> tuple:
    """The average scroll depth of the period's page views and of the period's before, in
    percent (None where nothing was measured), from the days' stored sums and today's pings."""
    return tuple(
        _from_sums(
            scroll_sums(
                site=site, tz=period.tz, filters=filters, days=days, totals_only=comparison
            ).get("")
        )
        for days, comparison in (
            ((period.first_day, period.last_day), False),
            ((period.previous_first_day, period.previous_last_day), True),
        )
    )


def page_scroll_depths(
    *, site: Site, period: Period, filters: dict, paths: list[str]
) -> dict[str, int]:
    """The average scroll depth of each of `paths` that has one, in percent."""
    days = (period.first_day, period.last_day)
    sums = scroll_sums(site=site, tz=period.tz, filters=filters, days=days)
    return {path: _from_sums(sums[path]) for path in paths if path and path in sums}


def scroll_sums(
    *, site: Site, tz, filters: dict, days: tuple[date, date], totals_only: bool = False
) -> dict:
    """Path ("" for every page) -> [sum of page views' deepest scroll, page views] over `days`
    (first and last): finished days from the per-day cache (a visitor belongs to one day, so
    days add up), today raw. `totals_only` for a comparison period (see `view_cached`)."""
    period = Period("custom", "", *days, *days, tz)
    view = view_cached(site=site, period=period, filters=filters, totals_only=totals_only)
    if view is not None:  # a view no rollup holds: scroll depths are part of its days
        return view_scroll(view=view, first_day=days[0], last_day=days[1])

    def compute(start, end) -> dict:
        pings = visits_matching(site=site, filters=filters).filter(
            timestamp__gte=start, timestamp__lt=end
        )
        return {day: {"scroll": scroll} for day, scroll in scroll_by_day(pings, tz=tz).items()}

    key = ("scroll", site.pk, repr(filters_key(filters)), str(tz), *days)
    return scroll_added(shared_or_made(key, lambda: _scroll_days(site, period, filters, compute)))


def _scroll_days(site, period, filters, compute) -> dict:
    definition = filters_key(filters)
    return kept_days(site=site, kind=SCROLL, definition=definition, period=period, compute=compute)


def scroll_depth_card(*, site: Site, period: Period, filters: dict, panels: list[dict]) -> dict:
    """The dashboard's card: the site's average scroll depth against the period before; and
    each top page's own, set on the Pages panel's rows."""
    pages = next(panel for panel in panels if panel["dimension"] == "page")
    pages["scroll"] = True
    depths = page_scroll_depths(
        site=site, period=period, filters=filters, paths=[row.value for row, _ in pages["rows"]]
    )
    pages["rows"] = [
        (replace(row, scroll_depth=depths.get(row.value)), href) for row, href in pages["rows"]
    ]
    current, previous = scroll_depth_averages(site=site, period=period, filters=filters)
    change = None if current is None or previous is None else current - previous
    return {"value": current, "change": change}


def _row(page: str, measured: list[tuple]) -> PerformanceRow:
    """The figures of `measured`: (visitor and path, scroll, *vitals) of each ping."""
    deepest: dict[tuple, int] = {}
    views = set()
    vitals = [[] for _ in METRICS]
    for view, scroll, *values in measured:
        views.add(view)
        if scroll is not None:
            deepest[view] = max(scroll, deepest.get(view, scroll))
        for column, value in zip(vitals, values, strict=True):
            if value is not None:
                column.append(value)
    return PerformanceRow(
        page=page,
        page_views=len(views),
        scroll_depth=_average(list(deepest.values())),
        vitals=tuple(
            Vital(metric=metric, p75=percentile_75(values), samples=len(values))
            for metric, values in zip(METRICS, vitals, strict=True)
        ),
    )


def _views(measured: list[tuple]) -> int:
    return len({view for view, *_ in measured})


def performance_report(
    *, site: Site, period: Period, filters: dict, max_pages: int = MAX_PAGES
) -> PerformanceReport:
    """Scroll depth and the vitals' 75th percentiles for the site and for each page."""
    names = [metric.name for metric in METRICS]
    measured_any = Q(scroll_depth__isnull=False)
    for name in names:
        measured_any |= Q(**{f"{name}__isnull": False})
    pings = engagement_pings(site=site, period=period, filters=filters).filter(measured_any)
    by_page: dict[str, list[tuple]] = defaultdict(list)
    everything = []
    rows = pings.values_list("visitor_hash", "path", "scroll_depth", *names)
    for visitor, path, *values in rows.iterator(chunk_size=5000):
        measurement = ((visitor, path), *values)
        by_page[path].append(measurement)
        everything.append(measurement)
    ranked = sorted(by_page.items(), key=lambda item: (-_views(item[1]), item[0]))[:max_pages]
    return PerformanceReport(
        site=_row("", everything), pages=[_row(page, rows) for page, rows in ranked]
    )
