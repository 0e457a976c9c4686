"""The drop-off dashboard's per-day cache: each finished local day's figures of a funnel's
drop-off view (`dropped=<funnel>.<step>`) in `ReportDay`, kind "dropped".

A visit never crosses local midnight and a visitor hash belongs to one day, so the view's
figures for a period are the sum of its days'. A day holds every one-pass panel's rows (the
headline, chart, panels and exact goals read them) and the scroll depths of its page views.
Days found in the cache need no funnel at all; the missing ones (in one pass per run of
consecutive days) and today resolve the funnel's visitors for those days only. The key holds
the funnel's steps and the step, so an edited funnel never reads old days; like the reports,
only a view whose other filters are none or one rolled-up filter is kept.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Max

from visits.models import ENGAGEMENT
from visits.stats.daily_rows import DailyRow
from visits.stats.filters import DROPPED, visits_matching
from visits.stats.funnels import funnel_definition
from visits.stats.local_day import LocalDate
from visits.stats.onepass import PASS_DIMENSIONS, pass_rows
from visits.stats.periods import Period
from visits.stats.report_days import DROP_OFF, cacheable, report_days, report_key
from visits.stats.sessions import shared_value

_FIGURES = ("visitors", "pageviews", "events", "sessions", "bounces", "duration")


def dropped_cached(filters: dict):
    """The drop-off filter of a view the cache serves, or None."""
    dropped = filters.get(DROPPED)
    if dropped is None or not hasattr(dropped, "steps"):
        return None
    return dropped if cacheable(dropped.others) else None


def dropped_days(*, dropped, first_day: date, last_day: date) -> dict[date, dict]:
    """The view's figures per local day of first_day..last_day, shared by a page's readers."""
    key = ("dropped", dropped.site.pk, str(dropped), tuple(sorted(dropped.others.items())))
    key += (first_day, last_day)
    shared = shared_value(key, lambda: _days(dropped, first_day, last_day))
    return shared if shared is not None else _days(dropped, first_day, last_day)


def dropped_rows(*, dropped, dimension: str, days: tuple[date, date]) -> list[DailyRow]:
    """One dimension's rows per day of `days` (first and last)."""
    rows = []
    for day, data in sorted(
        dropped_days(dropped=dropped, first_day=days[0], last_day=days[1]).items()
    ):
        for value, label, *figures in data.get("rows", {}).get(dimension, ()):
            rows.append(DailyRow(day, value, label, *figures))
    return rows


def dropped_scroll(*, dropped, first_day: date, last_day: date) -> dict[str, list[int]]:
    """Path ("" for every page) -> [sum of page views' deepest scroll, page views]."""
    summed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for data in dropped_days(dropped=dropped, first_day=first_day, last_day=last_day).values():
        for path, (total, views) in data.get("scroll", {}).items():
            summed[path][0] += total
            summed[path][1] += views
    return summed


def _days(dropped, first_day: date, last_day: date) -> dict[date, dict]:
    tz = dropped.period.tz
    period = Period("custom", "", first_day, last_day, first_day, last_day, tz)
    definition = [funnel_definition(dropped.steps), dropped.position, list(PASS_DIMENSIONS)]
    return report_days(
        site=dropped.site,
        kind=DROP_OFF,
        key=report_key(kind=DROP_OFF, definition=definition),
        period=period,
        filters=dropped.others,
        compute=lambda start, end: _computed(dropped, start, end),
    )


def _computed(dropped, start, end) -> dict[date, dict]:
    """Every day's figures between start and end, the funnel resolved for those days only."""
    narrowed = dropped.narrowed(dropped.visitors_between(start, end))
    tz = dropped.period.tz
    visits = visits_matching(
        site=dropped.site, filters={**dropped.others, DROPPED: narrowed}
    ).filter(timestamp__gte=start, timestamp__lt=end)
    days: dict[date, dict] = defaultdict(lambda: {"rows": defaultdict(list), "scroll": {}})
    for dimension, rows in pass_rows(visits, tz=tz, dimensions=PASS_DIMENSIONS).items():
        for row in rows:
            figures = [getattr(row, name) for name in _FIGURES]
            days[row.day]["rows"][dimension].append([row.value, row.label, *figures])
    deepest = (
        visits.filter(event=ENGAGEMENT, scroll_depth__isnull=False)
        .annotate(day=LocalDate("timestamp", tzinfo=tz))
        .order_by()
        .values_list("day", "visitor_hash", "path")
        .annotate(deepest=Max("scroll_depth"))
    )
    for day, _visitor, path, depth in deepest:
        day = day if isinstance(day, date) else date.fromisoformat(day)
        scroll = days[day]["scroll"]
        for key in ("", path):
            total, views = scroll.get(key, (0, 0))
            scroll[key] = [total + depth, views + 1]
    return {
        day: {"rows": dict(data["rows"]), "scroll": data["scroll"]} for day, data in days.items()
    }
