"""Engagement figures read from a period's engagement pings (they are not rolled up): the
average scroll depth, and each Core Web Vital's 75th percentile, rated by Google's thresholds.

The 75th percentile is the nearest-rank one: of n measurements in order, the ceil(0.75 n)-th,
so it is always a value a visitor really had."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Q, QuerySet

from sites.models import Site
from visits.models import ENGAGEMENT, Visit
from visits.stats.filters import visits_matching
from visits.stats.periods import Period


@dataclass(frozen=True)
class Metric:
    name: str  # the Visit field and the API's key
    label: str
    unit: str  # "ms", or "" for the unitless layout shift score
    good: float  # at most this is good
    poor: float  # above this is poor; in between needs improvement


# Google's thresholds (web.dev/articles/vitals), in the order the reports show them.
METRICS = (
    Metric("lcp", "Largest contentful paint", "ms", 2500, 4000),
    Metric("inp", "Interaction to next paint", "ms", 200, 500),
    Metric("cls", "Cumulative layout shift", "", 0.1, 0.25),
    Metric("fcp", "First contentful paint", "ms", 1800, 3000),
    Metric("ttfb", "Time to first byte", "ms", 800, 1800),
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
    page_views: int  # engagement pings that measured anything
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


def scroll_depth_averages(*, site: Site, period: Period, filters: dict) -> tuple:
    """The average scroll depth of the period's page views and of the period's before, in
    percent (None where nothing was measured), in one query."""
    pings = visits_matching(site=site, filters=filters).filter(
        event=ENGAGEMENT,
        scroll_depth__isnull=False,
        timestamp__gte=min(period.previous_start, period.start),
        timestamp__lt=max(period.previous_end, period.end),
    )
    within = Q(timestamp__gte=period.start, timestamp__lt=period.end)
    before = Q(timestamp__gte=period.previous_start, timestamp__lt=period.previous_end)
    averages = pings.aggregate(
        current=Avg("scroll_depth", filter=within), previous=Avg("scroll_depth", filter=before)
    )
    return tuple(
        None if averages[key] is None else round(averages[key]) for key in ("current", "previous")
    )


def page_scroll_depths(
    *, site: Site, period: Period, filters: dict, paths: list[str]
) -> dict[str, int]:
    """The average scroll depth of each of `paths` that has one, in percent."""
    rows = (
        engagement_pings(site=site, period=period, filters=filters)
        .filter(path__in=paths, scroll_depth__isnull=False)
        .values("path")
        .annotate(average=Avg("scroll_depth"))
    )
    return {row["path"]: round(row["average"]) for row in rows}


def _row(page: str, measured: list[tuple]) -> PerformanceRow:
    columns = list(zip(*measured, strict=True)) if measured else [()] * (len(METRICS) + 1)
    present = [[value for value in column if value is not None] for column in columns]
    return PerformanceRow(
        page=page,
        page_views=len(measured),
        scroll_depth=_average(present[0]),
        vitals=tuple(
            Vital(metric=metric, p75=percentile_75(values), samples=len(values))
            for metric, values in zip(METRICS, present[1:], strict=True)
        ),
    )


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
    for path, *values in pings.values_list("path", "scroll_depth", *names).iterator(
        chunk_size=5000
    ):
        by_page[path].append(tuple(values))
        everything.append(tuple(values))
    ranked = sorted(by_page.items(), key=lambda item: (-len(item[1]), item[0]))[:max_pages]
    return PerformanceReport(
        site=_row("", everything), pages=[_row(page, rows) for page, rows in ranked]
    )
