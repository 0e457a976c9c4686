"""Funnels: how many visitors reached each step of a funnel, in order, within one visit.

A visit is what `visits.stats.sessions` says it is: one visitor's hits on one day with gaps
under 30 minutes, formed from the hits that match the dashboard's filters. Within a visit the
steps must come in the funnel's order; hits in between are allowed, a step seen again or out of
order neither counts twice nor goes back. A visitor counts at a step when any of their visits
that day got that far; visitors are distinct per day and summed over the days, as everywhere.

The period's hits are read once, in visitor and time order, and walked in Python: each step is
a page pattern or an event (with a property), which SQL cannot match portably.
"""

import re
from dataclasses import dataclass

from django.db.models.functions import TruncDate

from sites.models import Funnel, FunnelStep, Site
from visits.models import ENGAGEMENT, PAGEVIEW
from visits.stats.filters import visits_matching
from visits.stats.periods import Period
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


def _deepest_per_visitor(rows, matchers) -> dict[tuple, int]:
    """(day, visitor) -> the most steps any of their visits reached, from hits ordered by
    visitor and time: (day, visitor, timestamp, path, event, props)."""
    deepest: dict[tuple, int] = {}
    key, visit, last_at = None, [], None

    def close():
        if visit:
            deepest[key] = max(deepest.get(key, 0), steps_reached(visit, matchers))

    for day, visitor, at, path, event, props in rows:
        if (day, visitor) != key or at - last_at >= SESSION_GAP:
            close()
            key, visit = (day, visitor), []
        last_at = at
        if event != ENGAGEMENT:  # pings only stretch the visit; they are never a step
            visit.append((path, event, props))
    close()
    return deepest


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def funnel_report(
    *, site: Site, funnel: Funnel, period: Period, filters: dict[str, str]
) -> list[FunnelStepRow]:
    """Each step of the funnel with its visitors, conversion and drop-off in the period."""
    steps = list(funnel.steps.all())
    matchers = [step_matcher(step) for step in steps]
    rows = (
        visits_matching(site=site, filters=filters)
        .filter(timestamp__gte=period.start, timestamp__lt=period.end)
        .annotate(day=TruncDate("timestamp", tzinfo=period.tz))
        .order_by("visitor_hash", "timestamp", "id")
        .values_list("day", "visitor_hash", "timestamp", "path", "event", "props")
    )
    deepest = _deepest_per_visitor(rows.iterator(chunk_size=5000), matchers)
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
