"""The per-day cache of the views no rollup holds: two filters at once, a rarer filter (region,
city, campaign tags), a property, or a funnel's drop-off (`dropped=<funnel>.<step>`). Each
finished local day's figures of such a view are kept in `ReportDay` (kind "view", or "dropped"
for a drop-off view), so a view read again costs what it shows, not what the site has stored.

A visit never crosses local midnight and a visitor hash belongs to one day, so the view's
figures for a period are the sum of its days'. A day holds every one-pass panel's rows (the
headline, chart, panels and exact goals read them) and the scroll depths of its page views.
Missing days are computed in one pass per run of consecutive days, the scroll depths in the
same read (a drop-off view resolves its funnel for those days only); today is read raw. The
period before the one shown (the headline's comparison) keeps days of its totals and scroll
depths alone, under a key of their own. The key holds every filter (and a funnel's
steps), so an edited funnel never reads old days. A site keeps at most `KEPT_DAYS` days of each
kind.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet

from sites.models import Site
from visits.models import ENGAGEMENT, Visit
from visits.stats.daily_rows import DailyRow
from visits.stats.dimensions import TOTAL
from visits.stats.filters import DROPPED, visits_matching
from visits.stats.funnels import funnel_definition
from visits.stats.local_day import LocalDate
from visits.stats.onepass import PASS_DIMENSIONS, pass_rows_and_scroll
from visits.stats.periods import Period
from visits.stats.report_days import DROP_OFF, VIEW, cacheable, kept_days
from visits.stats.sessions import shared_or_made

_FIGURES = ("visitors", "pageviews", "events", "sessions", "bounces", "duration")
DAY_ROWS = 20_000  # a day with more rows than this (a property with many values) stays raw


@dataclass(eq=False)
class CachedView:
    """A view the cache serves: a site's visits under some filters, days in a time zone."""

    site: Site
    tz: ZoneInfo
    filters: dict
    # What its days hold: every panel, or only the totals (the headline's comparison period).
    dimensions: tuple[str, ...] = PASS_DIMENSIONS

    @property
    def kind(self) -> str:
        return DROP_OFF if DROPPED in self.filters else VIEW

    @property
    def definition(self) -> list:
        return [*filters_key(self.filters), list(self.dimensions)]


def filters_key(filters: dict) -> list | None:
    """Filters as part of a cache key: each as text, and a drop-off's funnel steps and step
    (None for a drop-off filter not resolved, which stands for nobody)."""
    key = [sorted((name, str(value)) for name, value in filters.items())]
    dropped = filters.get(DROPPED)
    if dropped is not None:
        if not hasattr(dropped, "steps"):
            return None
        key += [funnel_definition(dropped.steps), dropped.position]
    return key


def filters_between(filters: dict, start, end) -> dict:
    """The filters for the hits between start and end: a drop-off's funnel resolved for
    those alone."""
    dropped = filters.get(DROPPED)
    if dropped is None:
        return filters
    # The page's panels, goals and revenue ask about the same days: resolved once for them.
    key = ("dropped between", dropped.site.pk, repr(filters_key(filters)), start, end)
    visitors = shared_or_made(key, lambda: dropped.visitors_between(start, end))
    return {**filters, DROPPED: dropped.narrowed(visitors)}


def view_cached(
    *, site: Site, period: Period, filters: dict, totals_only: bool = False
) -> CachedView | None:
    """The cached view these filters make, or None: unfiltered and one rolled-up filter stand
    on rollups, and an unresolved drop-off filter stands for nobody. With `totals_only`, days
    holding the totals and scroll depths alone: the comparison period shows nothing else, and
    summing every panel there would double a first read's work for nothing."""
    if cacheable(filters) or filters_key(filters) is None:
        return None
    return CachedView(site, period.tz, filters, (TOTAL,) if totals_only else PASS_DIMENSIONS)


def view_days(*, view: CachedView, first_day: date, last_day: date) -> dict[date, dict]:
    """The view's figures per local day of first_day..last_day, shared by a page's readers."""
    key = ("view", view.site.pk, view.kind, repr(view.definition), str(view.tz))
    key += (first_day, last_day)
    return shared_or_made(key, lambda: _days(view, first_day, last_day))


def view_rows(*, view: CachedView, dimension: str, days: tuple[date, date]) -> list[DailyRow]:
    """One dimension's rows per day of `days` (first and last)."""
    rows = []
    for day, data in sorted(view_days(view=view, first_day=days[0], last_day=days[1]).items()):
        for value, label, *figures in data.get("rows", {}).get(dimension, ()):
            rows.append(DailyRow(day, value, label, *figures))
    return rows


def view_scroll(*, view: CachedView, first_day: date, last_day: date) -> dict[str, list[int]]:
    """Path ("" for every page) -> [sum of page views' deepest scroll, page views]."""
    return scroll_added(view_days(view=view, first_day=first_day, last_day=last_day))


def _days(view: CachedView, first_day: date, last_day: date) -> dict[date, dict]:
    period = Period("custom", "", first_day, last_day, first_day, last_day, view.tz)
    return kept_days(
        site=view.site,
        kind=view.kind,
        definition=view.definition,
        period=period,
        compute=lambda start, end: _computed(view, start, end),
        keep=lambda data: sum(map(len, data.get("rows", {}).values())) <= DAY_ROWS,
    )


def _computed(view: CachedView, start, end) -> dict[date, dict]:
    """Every day's figures between start and end (a drop-off's funnel resolved for those days)."""
    filters = filters_between(view.filters, start, end)
    visits = visits_matching(site=view.site, filters=filters).filter(
        timestamp__gte=start, timestamp__lt=end
    )
    days: dict[date, dict] = defaultdict(lambda: {"rows": defaultdict(list), "scroll": {}})
    # The scroll depths come from the panels' read too: one walk of the period's hits.
    by_dimension, deepest = pass_rows_and_scroll(visits, tz=view.tz, dimensions=view.dimensions)
    for dimension, rows in by_dimension.items():
        for row in rows:
            figures = [getattr(row, name) for name in _FIGURES]
            days[row.day]["rows"][dimension].append([row.value, row.label, *figures])
    for day, scroll in scroll_per_day(deepest.items()).items():
        days[day]["scroll"] = scroll
    return {
        day: {"rows": dict(data["rows"]), "scroll": data["scroll"]} for day, data in days.items()
    }


def scroll_by_day(visits: QuerySet[Visit], *, tz: ZoneInfo) -> dict[date, dict[str, list[int]]]:
    """Per local day, path ("" for every page) -> [sum of page views' deepest scroll, page
    views]: a page view is a page and visitor, at the deepest of its pings."""
    deepest = (
        visits.filter(event=ENGAGEMENT, scroll_depth__isnull=False)
        .annotate(day=LocalDate("timestamp", tzinfo=tz))
        .order_by()
        .values_list("day", "visitor_hash", "path")
        .annotate(deepest=Max("scroll_depth"))
    )
    return scroll_per_day(
        ((day if isinstance(day, date) else date.fromisoformat(day), visitor, path), depth)
        for day, visitor, path, depth in deepest
    )


def scroll_per_day(deepest: Iterable[tuple[tuple, int]]) -> dict[date, dict[str, list[int]]]:
    """Page views' deepest scrolls, ((day, visitor, path), depth) each, as `scroll_by_day`
    gives them: per day, path ("" for every page) -> [sum of the depths, page views]."""
    days: dict[date, dict[str, list[int]]] = defaultdict(dict)
    for (day, _visitor, path), depth in deepest:
        scroll = days[day]
        for key in ("", path):
            total, views = scroll.get(key, (0, 0))
            scroll[key] = [total + depth, views + 1]
    return days


def scroll_added(days: dict[date, dict]) -> dict[str, list[int]]:
    """The days' scroll depths (each day's data under "scroll") added up per path."""
    summed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for data in days.values():
        for path, (total, views) in data.get("scroll", {}).items():
            summed[path][0] += total
            summed[path][1] += views
    return summed
