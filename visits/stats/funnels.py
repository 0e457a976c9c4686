"""Funnels: how many visitors reached each step of a funnel, in order, within one visit.

A visit is what `visits.stats.sessions` says it is: one visitor's hits on one day with gaps
under 30 minutes, formed from the hits that match the dashboard's filters. Within a visit the
steps must come in the funnel's order; hits in between are allowed, a step seen again or out of
order neither counts twice nor goes back. A visitor counts at a step when any of their visits
that day got that far; visitors are distinct per day and summed over the days, as everywhere.

One query over the period's hits forms the visits with window functions (as `sessions_of`
does, on SQLite and PostgreSQL alike) and returns only the hits that may be steps, in visit and
time order; Python then walks each visit, matching `*` patterns and event properties exactly.
"""

import json
import re
from dataclasses import dataclass
from itertools import groupby

from django.db import connections
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate

from sites.models import Funnel, FunnelStep, Site
from visits.models import PAGEVIEW
from visits.stats.filters import visits_matching
from visits.stats.periods import Period
from visits.stats.sessions import _EPOCH_MS as EPOCH_MS_SQL
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


# The period's hits grouped into visits in the database, as `sessions_of` does; only the hits
# that may be a step come back, in visit and time order.
_FUNNEL_SQL = """
WITH hits AS (
    SELECT "day" AS day, "visitor_hash" AS visitor, {epoch_ms} AS ms, "id" AS id,
           "path" AS path, "event" AS event, "props" AS props, "candidate" AS candidate
    FROM ({inner}) base
), marked AS (
    SELECT hits.*, CASE
        WHEN ms - LAG(ms) OVER (PARTITION BY day, visitor ORDER BY ms, id) < %s THEN 0 ELSE 1
    END AS starts
    FROM hits
), numbered AS (
    SELECT marked.*, SUM(starts) OVER (
        PARTITION BY day, visitor ORDER BY ms, id ROWS UNBOUNDED PRECEDING
    ) AS visit
    FROM marked
)
SELECT day, visitor, visit, path, event, props FROM numbered
WHERE candidate = 1
ORDER BY day, visitor, visit, ms, id
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


def _step_hits(queryset, steps: list[FunnelStep], tz):
    """(day, visitor, visit number, path, event, props) of the hits that may be steps."""
    candidate = Q()
    for step in steps:
        candidate |= _candidate(step)
    inner = (
        queryset.order_by()
        .annotate(
            day=TruncDate("timestamp", tzinfo=tz),
            candidate=Case(
                When(candidate, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .values_list(
            "day", "visitor_hash", "timestamp", "id", "path", "event", "props", "candidate"
        )
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    connection = connections[queryset.db]
    sql = _FUNNEL_SQL.format(inner=inner_sql, epoch_ms=EPOCH_MS_SQL[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(sql, (*inner_params, int(SESSION_GAP.total_seconds() * 1000)))
        while rows := cursor.fetchmany(5000):
            yield from rows


def _deepest_per_visitor(rows, matchers) -> dict[tuple, int]:
    """(day, visitor) -> the most steps any of their visits reached, from the candidate hits
    in visit and time order: (day, visitor, visit, path, event, props)."""
    deepest: dict[tuple, int] = {}
    for (day, visitor, _), hits in groupby(rows, key=lambda row: row[:3]):
        visit = [(path, event, _props(props)) for *_, path, event, props in hits]
        key = (day, visitor)
        deepest[key] = max(deepest.get(key, 0), steps_reached(visit, matchers))
    return deepest


def _props(props):
    # Raw rows hold JSON as text on SQLite (and as text or decoded on PostgreSQL).
    if isinstance(props, str):
        return json.loads(props) if props not in ("", "{}") else {}
    return props or {}


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def funnel_report(
    *, site: Site, funnel: Funnel, period: Period, filters: dict[str, str]
) -> list[FunnelStepRow]:
    """Each step of the funnel with its visitors, conversion and drop-off in the period."""
    steps = list(funnel.steps.all())
    matchers = [step_matcher(step) for step in steps]
    visits = visits_matching(site=site, filters=filters).filter(
        timestamp__gte=period.start, timestamp__lt=period.end
    )
    deepest = _deepest_per_visitor(_step_hits(visits, steps, period.tz), matchers)
    counts = [sum(1 for depth in deepest.values() if depth >= n) for n in range(1, len(steps) + 1)]
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
                "title": f"Step {row.position}, {row.label}: {row.visitors} visitors",
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "label_y": CHART_HEIGHT - 5,
        "bars": bars,
    }
