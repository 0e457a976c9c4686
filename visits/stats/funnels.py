"""Funnels: how many visitors reached each step of a funnel, in order, within one visit.

A visit is what `visits.stats.sessions` says it is: one visitor's hits on one day with gaps
under 30 minutes, formed from the hits that match the dashboard's filters. Within a visit the
steps must come in the funnel's order; hits in between are allowed, a step seen again or out of
order neither counts twice nor goes back. A visitor counts at a step when any of their visits
that day got that far; visitors are distinct per day and summed over the days, as everywhere.

One query reads the period's hits of the visitors who may have reached the first step, in
visitor and time order, with the page, event and properties only of the hits that may be
steps; one pass in Python cuts the visits and walks them, matching `*` patterns and event
properties exactly.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from django.db import connections
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import ngettext

from sites.models import Funnel, FunnelStep, Site
from visits.models import PAGEVIEW
from visits.stats.epoch import LocalDays, epoch_ms_sql
from visits.stats.filters import visits_matching
from visits.stats.periods import Period
from visits.stats.properties import props_parsed
from visits.stats.report_days import FUNNEL, report_days, report_key
from visits.stats.sessions import SESSION_GAP


@dataclass(frozen=True)
class FunnelStepRow:
    position: int
    label: str
    kind: str
    visitors: int  # reached this step after every step before it, within one visit
    from_first: float  # percent of the first step's visitors
    from_previous: float  # percent of the previous step's visitors (100 for the first)
    dropped: int  # the previous step's visitors who did not get here (0 for the first)
    dropped_rate: float  # percent of the previous step's visitors


def step_matcher(step: FunnelStep):
    """A function of (path, event, props) that says whether a hit is this step."""
    if step.kind == FunnelStep.Kind.PAGE:
        pattern = re.compile(".*".join(re.escape(part) for part in step.value.split("*")))
        return lambda path, event, props: event == PAGEVIEW and pattern.fullmatch(path) is not None
    name, key, value = step.value, step.prop_key, step.prop_value
    if not key:
        return lambda path, event, props: event == name
    return lambda path, event, props: (
        event == name and key in (props or {}) and (not value or str(props[key]) == value)
    )


def steps_reached(hits, matchers) -> int:
    """How many of the funnel's steps one visit's hits (path, event, props), in time order,
    reached in order: each hit can only move the visit on to the next step."""
    reached = 0
    for path, event, props in hits:
        if reached == len(matchers):
            break
        if matchers[reached](path, event, props):
            reached += 1
    return reached


# Every hit of the visitors who may have reached the first step, in visitor and time order:
# each as its epoch milliseconds, and with its page, event and properties when it may be a step.
# Visits are cut in the pass below; window functions did the same but ran slower on SQLite.
_FUNNEL_SQL = """
SELECT "visitor_hash", {epoch_ms} AS ms,
    CASE WHEN "candidate" = 1 THEN "path" END,
    CASE WHEN "candidate" = 1 THEN "event" END,
    CASE WHEN "candidate" = 1 THEN "props" END
FROM ({inner}) base
ORDER BY "visitor_hash", ms, "id"
"""


def _candidate(step: FunnelStep) -> Q:
    """Hits that may be this step: a superset the database finds fast (SQLite's LIKE ignores
    case, a pattern's parts may come in any order), narrowed by `step_matcher` afterwards."""
    if step.kind == FunnelStep.Kind.EVENT:
        return Q(event=step.value)
    if "*" not in step.value:
        return Q(event=PAGEVIEW, path=step.value)
    first, *middle, last = step.value.split("*")
    q = Q(event=PAGEVIEW, path__startswith=first, path__endswith=last)
    for part in middle:
        if part:
            q &= Q(path__contains=part)
    return q


def ordered_hits(queryset, candidate: Q):
    """(visitor, ms, path, event, props) of the queryset's hits in visitor and time order, as
    one query read in batches; path, event and props are None for a hit not in `candidate`."""
    inner = (
        queryset.order_by()
        .annotate(
            candidate=Case(
                When(candidate, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .values_list("visitor_hash", "timestamp", "id", "path", "event", "props", "candidate")
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    connection = connections[queryset.db]
    sql = _FUNNEL_SQL.format(inner=inner_sql, epoch_ms=epoch_ms_sql(connection.vendor))
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _step_hits(queryset, steps: list[FunnelStep]):
    """The hits of the visitors who may have reached the first step (see `ordered_hits`)."""
    candidate = Q()
    for step in steps:
        candidate |= _candidate(step)
    starters = queryset.filter(_candidate(steps[0])).values("visitor_hash")
    return ordered_hits(queryset.filter(visitor_hash__in=starters), candidate)


def visits_cut(rows, tz):
    """(visitor, day, hits) for each visit in `ordered_hits` rows, hits as (path, event, props)
    of the candidate hits only. A visit ends at a gap of 30 minutes (counting every hit) or at
    midnight in `tz` (where the visitor hash changes), as in `sessions_of`."""
    gap = int(SESSION_GAP.total_seconds() * 1000)

    def close(visitor, visit):
        for day, hits in groupby(visit, key=itemgetter(0)):
            yield visitor, day, [hit[1:] for hit in hits]

    visitor, visit, last_ms = None, [], 0
    local_days = LocalDays(tz)
    for hash_, ms, path, event, props in rows:
        if hash_ != visitor or ms - last_ms >= gap:
            yield from close(visitor, visit)
            visitor, visit = hash_, []
        last_ms = ms
        if path is not None:
            visit.append((local_days.of(ms), path, event, props_parsed(props)))
    yield from close(visitor, visit)


def _deepest_per_visitor(rows, matchers, tz) -> dict[tuple, int]:
    """(day, visitor) -> the most steps any of their visits reached."""
    deepest: dict[tuple, int] = {}
    for visitor, day, hits in visits_cut(rows, tz):
        reached = steps_reached(hits, matchers)
        deepest[(day, visitor)] = max(deepest.get((day, visitor), 0), reached)
    return deepest


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def funnel_depths(
    *, site: Site, funnel: Funnel, start: datetime, end: datetime, tz, filters: dict[str, str]
) -> dict[tuple, int]:
    """(day, visitor) -> how many of the funnel's steps their furthest visit reached, for the
    visitors between `start` and `end` who reached at least the first step."""
    return steps_depths(
        site=site, steps=list(funnel.steps.all()), start=start, end=end, tz=tz, filters=filters
    )


def steps_depths(
    *, site: Site, steps: list[FunnelStep], start: datetime, end: datetime, tz, filters
) -> dict[tuple, int]:
    """`funnel_depths` for steps already read."""
    matchers = [step_matcher(step) for step in steps]
    visits = visits_matching(site=site, filters=filters).filter(
        timestamp__gte=start, timestamp__lt=end
    )
    return _deepest_per_visitor(_step_hits(visits, steps), matchers, tz)


def funnel_definition(steps: list[FunnelStep]) -> list:
    """What a funnel's figures depend on (not its name or labels): the cache's key."""
    return [[step.kind, step.value, step.prop_key, step.prop_value] for step in steps]


def funnel_day_counts(
    *, site: Site, steps: list[FunnelStep], start: datetime, end: datetime, tz, filters
) -> dict:
    """{local day: {"counts": visitors who reached step 1, 2, ...}} for days with any."""
    depths = steps_depths(site=site, steps=steps, start=start, end=end, tz=tz, filters=filters)
    per_day: dict = {}
    for (day, _visitor), depth in depths.items():
        if depth:
            counts = per_day.setdefault(day, {"counts": [0] * len(steps)})["counts"]
            for index in range(depth):
                counts[index] += 1
    return per_day


def funnel_report(
    *, site: Site, funnel: Funnel, period: Period, filters: dict[str, str]
) -> list[FunnelStepRow]:
    """Each step of the funnel with its visitors, conversion and drop-off in the period;
    finished days of a report unfiltered or by one rolled-up filter come from the per-day
    cache."""
    steps = list(funnel.steps.all())
    days = report_days(
        site=site,
        kind=FUNNEL,
        key=report_key(kind=FUNNEL, definition=funnel_definition(steps)),
        period=period,
        filters=filters,
        compute=lambda start, end: funnel_day_counts(
            site=site, steps=steps, start=start, end=end, tz=period.tz, filters=filters
        ),
    )
    counts = [sum(data["counts"][n] for data in days.values()) for n in range(len(steps))]
    result = []
    for index, (step, visitors) in enumerate(zip(steps, counts, strict=True)):
        previous = counts[index - 1] if index else visitors
        result.append(
            FunnelStepRow(
                position=step.position,
                label=step.label,
                kind=step.kind,
                visitors=visitors,
                from_first=_percent(visitors, counts[0]) if index else 100.0 * bool(visitors),
                from_previous=_percent(visitors, previous) if index else 100.0 * bool(visitors),
                dropped=previous - visitors,
                dropped_rate=_percent(previous - visitors, previous),
            )
        )
    return result


CHART_WIDTH, CHART_HEIGHT, CHART_LABEL = 640, 200, 20


def funnel_chart(rows: list[FunnelStepRow]) -> dict:
    """Bar geometry for the report's SVG: one bar per step, its height the step's share of the
    first step's visitors, the share written above it."""
    if not rows:
        return {"width": CHART_WIDTH, "height": CHART_HEIGHT, "bars": []}
    slot = CHART_WIDTH / len(rows)
    top = max(row.visitors for row in rows) or 1
    room = CHART_HEIGHT - 2 * CHART_LABEL
    bars = []
    for index, row in enumerate(rows):
        height = round(room * row.visitors / top, 1)
        y = round(CHART_HEIGHT - CHART_LABEL - height, 1)
        bars.append(
            {
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": y,
                "height": height,
                "middle": round(index * slot + slot / 2, 1),
                "value_y": round(y - 5, 1),
                "share": f"{row.from_first}%",
                "title": ngettext(
                    "Step %(position)s, %(label)s: %(count)s visitor",
                    "Step %(position)s, %(label)s: %(count)s visitors",
                    row.visitors,
                )
                % {"position": row.position, "label": row.label, "count": row.visitors},
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "label_y": CHART_HEIGHT - 5,
        "bars": bars,
    }
