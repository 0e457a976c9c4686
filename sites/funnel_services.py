"""Writes for funnels and experiments: defined by a site's managers and owners."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sites.models import (
    FUNNEL_MAX_STEPS,
    FUNNEL_MIN_STEPS,
    Experiment,
    Funnel,
    FunnelStep,
    Goal,
    Site,
)

MAX_FUNNELS_PER_SITE = 20
MAX_EXPERIMENTS_PER_SITE = 20


@transaction.atomic
def funnel_create(*, site: Site, name: str, steps: list[dict]) -> Funnel:
    """Add a funnel of 2 to 8 steps to a site; each step a dict of `FunnelStep` fields
    (`kind`, `value`, optionally `prop_key` and `prop_value`), in order."""
    if site.funnels.count() >= MAX_FUNNELS_PER_SITE:
        raise ValidationError(
            _("A site can have at most %(count)s funnels.") % {"count": MAX_FUNNELS_PER_SITE}
        )
    if not FUNNEL_MIN_STEPS <= len(steps) <= FUNNEL_MAX_STEPS:
        raise ValidationError(
            _("A funnel has %(min)s to %(max)s steps; this one has %(steps)s.")
            % {"min": FUNNEL_MIN_STEPS, "max": FUNNEL_MAX_STEPS, "steps": len(steps)}
        )
    funnel = Funnel(site=site, name=" ".join(name.split()))
    funnel.full_clean()
    funnel.save()
    for position, step in enumerate(steps, start=1):
        row = FunnelStep(
            funnel=funnel,
            position=position,
            kind=step.get("kind") or FunnelStep.Kind.PAGE,
            value=step.get("value") or "",
            prop_key=step.get("prop_key") or "",
            prop_value=step.get("prop_value") or "",
        )
        try:
            row.full_clean()
        except ValidationError as error:
            raise ValidationError(
                [f"Step {position}: {message}" for message in error.messages]
            ) from error
        row.save()
    return funnel


def funnel_delete(*, funnel: Funnel) -> None:
    funnel.delete()


@transaction.atomic
def experiment_create(
    *, site: Site, name: str, variant_property: str, control: str, goal: Goal
) -> Experiment:
    """Add an experiment to a site: which property carries the variant, which variant is the
    control, and which of the site's goals counts as a conversion."""
    if site.experiments.count() >= MAX_EXPERIMENTS_PER_SITE:
        raise ValidationError(
            _("A site can have at most %(count)s experiments.")
            % {"count": MAX_EXPERIMENTS_PER_SITE}
        )
    experiment = Experiment(
        site=site,
        name=" ".join(name.split()),
        variant_property=variant_property,
        control=control,
        goal=goal,
    )
    experiment.full_clean()
    experiment.save()
    return experiment


def experiment_delete(*, experiment: Experiment) -> None:
    experiment.delete()
