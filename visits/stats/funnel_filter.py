"""The dashboard filter `dropped=<funnel>.<step>`: the visitors who reached the step before
that step of a funnel, within one visit, and went no further that day.

Which visitors those are depends on the days read, so the dashboard resolves the parameter into
a `DroppedFilter`: the parameter's own text, which links and chips keep, with the funnel, the
step and the other filters. Its visitors over the period and the one before are found only when
a raw read asks for them; the figures the per-day cache holds (`visits.stats.view_days`)
resolve the funnel only for the days they compute. A visitor hash belongs to one day, so the
same hashes serve each day's figures.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from sites.models import Funnel, FunnelStep, Site
from visits.stats.filters import DROPPED
from visits.stats.funnels import steps_depths
from visits.stats.periods import Period, local_bounds

__all__ = ["DROPPED", "DroppedFilter", "DroppedFilterError", "dropped_filter"]


class DroppedFilterError(ValueError):
    """A `dropped` parameter that names no step after the first of one of the site's funnels."""


class DroppedFilter(str):
    """`<funnel>.<step>` as given, with the visitors it stands for and words for its chip."""

    label: str
    site: Site
    steps: list[FunnelStep]
    position: int
    period: Period
    others: dict  # the other filters, which pick the funnel's hits
    _visitors: frozenset[int] | None = None

    @property
    def visitors(self) -> frozenset[int]:
        """The visitors of the period and the one before, found on first use."""
        if self._visitors is None:
            start, end = local_bounds(
                self.period.previous_first_day, self.period.last_day, self.period.tz
            )
            self._visitors = self.visitors_between(start, end)
        return self._visitors

    def visitors_between(self, start: datetime, end: datetime) -> frozenset[int]:
        depths = steps_depths(
            site=self.site,
            steps=self.steps,
            start=start,
            end=end,
            tz=self.period.tz,
            filters=self.others,
        )
        return frozenset(
            visitor for (_, visitor), depth in depths.items() if depth == self.position - 1
        )

    def narrowed(self, visitors: frozenset[int]) -> "DroppedFilter":
        """The same filter standing for `visitors` (those of some days)."""
        copy = DroppedFilter(self)
        copy.__dict__.update(self.__dict__)
        copy._visitors = visitors
        return copy


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
    resolved = DroppedFilter(value)
    resolved.site, resolved.steps, resolved.position = site, list(funnel.steps.all()), step.position
    resolved.period, resolved.others = period, dict(filters)
    resolved.label = f"{funnel.name}, before step {step.position} ({step.label})"
    return resolved
