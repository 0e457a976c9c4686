"""The dashboard filter `dropped=<funnel>.<step>`: the visitors who reached the step before
that step of a funnel, within one visit, and went no further that day.

Which visitors those are depends on the period, so the dashboard resolves the filter once for
the days it shows (the period and the one before) into a `DroppedFilter`: the parameter's own
text, which links and chips keep, carrying the visitor hashes. A visitor hash belongs to one
day, so the same hashes serve each day's figures. Raw visits answer such a view; no rollup
holds it.
"""

from django.utils.translation import gettext as _

from sites.models import Funnel, FunnelStep, Site
from visits.stats.filters import DROPPED
from visits.stats.funnels import funnel_depths
from visits.stats.periods import Period, local_bounds

__all__ = ["DROPPED", "DroppedFilter", "DroppedFilterError", "dropped_filter"]


class DroppedFilterError(ValueError):
    """A `dropped` parameter that names no step after the first of one of the site's funnels."""


class DroppedFilter(str):
    """`<funnel>.<step>` as given, with the visitors it stands for and words for its chip."""

    visitors: frozenset[int]
    label: str


def dropped_filter(*, site: Site, value: str, period: Period, filters: dict) -> DroppedFilter:
    """Resolve `dropped=<funnel>.<step>` for the period and the one before, among the visits
    that match the other filters."""
    funnel_id, _dot, position = value.partition(".")
    try:
        funnel = Funnel.objects.get(site=site, pk=int(funnel_id))
        step = funnel.steps.get(position=int(position))
    except (ValueError, Funnel.DoesNotExist, FunnelStep.DoesNotExist):
        raise DroppedFilterError(
            _(
                "The dropped filter names no step of this site's funnels: give dropped=<funnel "
                "id>.<step number>, as the funnel's page links it."
            )
        ) from None
    if step.position < 2:
        raise DroppedFilterError(_("Nobody drops before the first step: give a later step."))
    start, end = local_bounds(period.previous_first_day, period.last_day, period.tz)
    depths = funnel_depths(
        site=site, funnel=funnel, start=start, end=end, tz=period.tz, filters=filters
    )
    resolved = DroppedFilter(value)
    resolved.visitors = frozenset(
        visitor for (_, visitor), depth in depths.items() if depth == step.position - 1
    )
    resolved.label = f"{funnel.name}, before step {step.position} ({step.label})"
    return resolved
