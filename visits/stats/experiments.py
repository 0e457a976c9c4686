"""Experiments: each variant's visitors, conversions and conversion rate, compared with the
control's, with a verdict in plain words.

A visitor is in the variant named by the first custom event that carries the experiment's
property that day (visitors are known for one day); they convert when they reach the goal at or
after that moment, the same day. The dashboard's period and filters apply to both.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from sites.models import Experiment, Goal, Site
from visits.models import PAGEVIEW, RESERVED_EVENTS
from visits.stats.filters import visits_matching
from visits.stats.local_day import LocalDate
from visits.stats.periods import Period
from visits.stats.proportions import two_proportion_z_test, wilson_interval
from visits.stats.report_days import EXPERIMENT, report_days, report_key

# Below this, in any variant compared, no winner is called.
MIN_VISITORS = 100
MIN_CONVERSIONS = 10
SIGNIFICANCE = 0.05
MAX_VARIANTS = 20  # the most visited, should a site send more values than it means to


@dataclass(frozen=True)
class VariantRow:
    variant: str
    control: bool
    visitors: int
    conversions: int
    rate: float  # percent
    low: float  # the rate's 95% interval, percent
    high: float
    uplift: float | None  # percent change of the rate against the control's; None for it
    p_value: float | None  # two-sided, against the control; None for it or when not computable
    verdict: str


@dataclass(frozen=True)
class ExperimentReport:
    rows: list[VariantRow]
    verdict: str
    winner: str  # "" until a variant is significantly better than the control


def _goal_hits(visits, goal: Goal):
    if goal.kind == Goal.Kind.EVENT:
        return visits.filter(event=goal.value)
    visits = visits.filter(event=PAGEVIEW)
    if "*" not in goal.value:
        return visits.filter(path=goal.value)
    pattern = "^" + ".*".join(re.escape(part) for part in goal.value.split("*")) + "$"
    return visits.filter(path__regex=pattern)


def _exposures(visits, key: str):
    return visits.exclude(event__in=RESERVED_EVENTS).filter(props__has_key=key)


def _assignments(visits, key: str) -> dict[tuple, tuple]:
    """(day, visitor) -> (variant, first time seen) from the events that carry `key`."""
    exposures = (
        _exposures(visits, key)
        .order_by("timestamp", "id")
        .values_list("day", "visitor_hash", "timestamp", "props")
    )
    assigned: dict[tuple, tuple] = {}
    for day, visitor, at, props in exposures:
        assigned.setdefault((day, visitor), (str((props or {}).get(key, "")), at))
    return assigned


def experiment_definition(experiment: Experiment) -> list:
    """What an experiment's counts depend on (not its name or control): the cache's key."""
    return [experiment.variant_property, experiment.goal.kind, experiment.goal.value]


def experiment_day_counts(
    *, site: Site, experiment: Experiment, start: datetime, end: datetime, tz, filters
) -> dict:
    """{local day: {"variants": {variant: [visitors, conversions]}}} for days with any."""
    visits = (
        visits_matching(site=site, filters=filters)
        .filter(timestamp__gte=start, timestamp__lt=end)
        .annotate(day=LocalDate("timestamp", tzinfo=tz))
    )
    assigned = _assignments(visits, experiment.variant_property)
    converted: set[tuple] = set()
    # Only the goal hits of visitors who were shown a variant: a goal is often far commoner.
    exposed = _exposures(visits, experiment.variant_property).values("visitor_hash")
    goal_hits = (
        _goal_hits(visits, experiment.goal)
        .filter(visitor_hash__in=exposed)
        .values_list("day", "visitor_hash", "timestamp")
    )
    # Not `.iterator()`: PostgreSQL plans a server-side cursor for its first rows, a nested
    # loop that took 21 s at a million visits where the hash join takes 0.8 s.
    for day, visitor, at in goal_hits:
        seen = assigned.get((day, visitor))
        if seen is not None and at >= seen[1]:
            converted.add((day, visitor))
    per_day: dict = {}
    for (day, visitor), (variant, _first_seen) in assigned.items():
        variants = per_day.setdefault(_day(day), {"variants": {}})["variants"]
        figures = variants.setdefault(variant, [0, 0])
        figures[0] += 1
        figures[1] += (day, visitor) in converted
    return per_day


def _day(value) -> date:
    # SQLite hands the local day back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def experiment_report(
    *, site: Site, experiment: Experiment, period: Period, filters: dict[str, str]
) -> ExperimentReport:
    """Each variant against the control in the period; finished days of a report unfiltered
    or by one rolled-up filter come from the per-day cache."""
    days = report_days(
        site=site,
        kind=EXPERIMENT,
        key=report_key(kind=EXPERIMENT, definition=experiment_definition(experiment)),
        period=period,
        filters=filters,
        compute=lambda start, end: experiment_day_counts(
            site=site, experiment=experiment, start=start, end=end, tz=period.tz, filters=filters
        ),
    )
    counts: dict[str, list[int]] = {}
    for data in days.values():
        for variant, (visitors, conversions) in data["variants"].items():
            figures = counts.setdefault(variant, [0, 0])
            figures[0] += visitors
            figures[1] += conversions
    return _report(experiment.control, counts)


def _report(control: str, counts: dict[str, list[int]]) -> ExperimentReport:
    others = sorted((name for name in counts if name != control), key=lambda n: -counts[n][0])
    others = sorted(others[: MAX_VARIANTS - 1])
    base = counts.get(control, [0, 0])
    rows = [_row(control, *base, base=None)]
    rows += [_row(name, *counts[name], base=(control, *base)) for name in others]
    winners = [
        row
        for row in rows[1:]
        if row.p_value is not None
        and row.p_value < SIGNIFICANCE
        and row.rate > rows[0].rate
        and _enough(row.visitors, row.conversions)
        and _enough(*base)
    ]
    winner = max(winners, key=lambda row: row.rate).variant if winners else ""
    return ExperimentReport(rows=rows, verdict=_overall(control, base, rows, winner), winner=winner)


def _enough(visitors: int, conversions: int) -> bool:
    return visitors >= MIN_VISITORS and conversions >= MIN_CONVERSIONS


def _row(name: str, visitors: int, conversions: int, *, base) -> VariantRow:
    low, high = wilson_interval(conversions, visitors)
    rate = conversions / visitors if visitors else 0.0
    uplift = p_value = None
    verdict = _("The control: the others are compared with it.")
    if base is not None:
        control, base_visitors, base_conversions = base
        base_rate = base_conversions / base_visitors if base_visitors else 0.0
        uplift = round(100 * (rate - base_rate) / base_rate, 1) if base_rate else None
        test = two_proportion_z_test(base_conversions, base_visitors, conversions, visitors)
        p_value = test.p_value if test else None
        verdict = _verdict(name, control, visitors, conversions, base, uplift, p_value)
    return VariantRow(
        variant=name,
        control=base is None,
        visitors=visitors,
        conversions=conversions,
        rate=round(100 * rate, 2),
        low=round(100 * low, 2),
        high=round(100 * high, 2),
        uplift=uplift,
        p_value=p_value,
        verdict=verdict,
    )


def _verdict(name, control, visitors, conversions, base, uplift, p_value) -> str:
    _control, base_visitors, base_conversions = base
    if not (_enough(visitors, conversions) and _enough(base_visitors, base_conversions)):
        return _(
            "Too early to call: %(variant)s and %(control)s each need at least %(min_visitors)s "
            "visitors and %(min_conversions)s conversions (%(variant)s: %(visitors)s and "
            "%(conversions)s; %(control)s: %(control_visitors)s and %(control_conversions)s)."
        ) % {
            "variant": name,
            "control": control,
            "min_visitors": MIN_VISITORS,
            "min_conversions": MIN_CONVERSIONS,
            "visitors": visitors,
            "conversions": conversions,
            "control_visitors": base_visitors,
            "control_conversions": base_conversions,
        }
    if p_value is None:
        return _(
            "No clear difference from %(control)s yet: this could be chance. "
            "Keep it running or treat them as alike."
        ) % {"control": control}
    if p_value >= SIGNIFICANCE:
        return _(
            "No clear difference from %(control)s yet (p = %(p)s): this could be chance. "
            "Keep it running or treat them as alike."
        ) % {"control": control, "p": f"{p_value:.4f}"}
    values = {"variant": name, "control": control, "p": f"{p_value:.4f}"}
    values["change"] = f"{uplift:+.1f}%" if uplift is not None else _("from none")
    if (uplift or 0) > 0:
        return _("%(variant)s converts better than %(control)s: %(change)s (p = %(p)s).") % values
    return _("%(variant)s converts worse than %(control)s: %(change)s (p = %(p)s).") % values


def _overall(control: str, base: list[int], rows: list[VariantRow], winner: str) -> str:
    if not base[0]:
        return _("No visitor was shown the control, %(control)s, in this period.") % {
            "control": control
        }
    if len(rows) == 1:
        return _("Only the control, %(control)s, was shown in this period: nothing to compare.") % {
            "control": control
        }
    if winner:
        return _(
            "%(winner)s wins: it converts better than %(control)s, beyond what chance explains."
        ) % {"winner": winner, "control": control}
    # Each variant's verdict is "too early" when it or the control lacks visitors or conversions.
    if not _enough(*base) or all(not _enough(row.visitors, row.conversions) for row in rows[1:]):
        return _(
            "Too early to call a winner: each variant needs at least %(min_visitors)s visitors "
            "and %(min_conversions)s conversions."
        ) % {"min_visitors": MIN_VISITORS, "min_conversions": MIN_CONVERSIONS}
    return _(
        "No winner: no variant converts clearly better than %(control)s (p < 0.05 needed)."
    ) % {"control": control}
