"""What owners define over a site's figures: chart notes, saved segments, funnels and
experiments. `sites.models` names them too; they refer to sites and goals by label, so this
module imports no other model module."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ANNOTATION_MAX_LENGTH = 200


class Annotation(models.Model):
    """A dated note on a site's figures ("new pricing page"), a marker on the dashboard's chart."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="annotations", verbose_name=_("site")
    )
    day = models.DateField(_("day"), help_text=_("In the site's time zone."))
    text = models.CharField(_("note"), max_length=ANNOTATION_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["site", "day"], name="annotation_site_day_idx")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="annotation_not_empty")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.text}"


class Segment(models.Model):
    """A named set of the dashboard's filters, shared by a site's team. `filters` maps a filter's
    query parameter to its value; `visits.segments` validates them (sites know no dimensions)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="segments", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="segment_name_unique_per_site",
                violation_error_message=_("This site has a segment of that name already."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="segment_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Funnel(models.Model):
    """An ordered path an owner wants visitors to follow within one visit: 2 to 8 steps, each
    a page or a custom event (see `FunnelStep`)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="funnels", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("funnel")
        verbose_name_plural = _("funnels")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="funnel_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


FUNNEL_MIN_STEPS, FUNNEL_MAX_STEPS = 2, 8


class FunnelStep(models.Model):
    """One step of a funnel: a page (a path, `*` as a wildcard) or a custom event, which may
    have to carry one property `key=value`."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Visit a page")
        EVENT = "event", _("Send an event")

    funnel = models.ForeignKey(
        Funnel, on_delete=models.CASCADE, related_name="steps", verbose_name=_("funnel")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAGE)
    value = models.CharField(
        _("page or event"),
        max_length=500,
        help_text=_("A path like /pricing or /blog/* for pages, or the event's name."),
    )
    prop_key = models.CharField(
        _("property"),
        max_length=100,
        blank=True,
        help_text=_("Events only: a property it must carry."),
    )
    prop_value = models.CharField(_("property value"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("funnel step")
        verbose_name_plural = _("funnel steps")
        ordering = ["funnel", "position"]
        constraints = [
            models.UniqueConstraint(fields=["funnel", "position"], name="funnel_step_unique"),
            models.CheckConstraint(condition=~Q(value=""), name="funnel_step_value_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.PAGE:
            return self.value
        with_prop = f" ({self.prop_key}={self.prop_value})" if self.prop_key else ""
        return f"{self.value}{with_prop}"

    def clean(self) -> None:
        super().clean()
        self.value = (self.value or "").strip()
        self.prop_key = (self.prop_key or "").strip()
        if self.kind == self.Kind.PAGE:
            if not self.value.startswith("/"):
                raise ValidationError({"value": gettext("A page step is a path starting with /.")})
            if self.prop_key or self.prop_value:
                raise ValidationError({"prop_key": gettext("Only event steps have a property.")})
        elif self.value in ("pageview", "engagement"):
            # The beacon's own kinds of hit (visits.models.RESERVED_EVENTS), not custom events.
            raise ValidationError(
                {"value": gettext("Name a custom event; for pages, use a page step.")}
            )
        elif self.prop_value and not self.prop_key:
            raise ValidationError({"prop_key": gettext("Name the property that holds this value.")})


class Experiment(models.Model):
    """An A/B test run by the owner's own site: its custom events carry the variant a visitor
    was shown in one property (`exp_checkout=b`); the report compares each variant's
    conversion to `goal` with the control's."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="experiments", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    variant_property = models.CharField(
        _("variant property"),
        max_length=100,
        help_text=_("The custom events' property that holds the variant, like exp_checkout."),
    )
    control = models.CharField(
        _("control variant"), max_length=100, help_text=_("The variant the others are compared to.")
    )
    goal = models.ForeignKey(
        "sites.Goal", on_delete=models.CASCADE, related_name="experiments", verbose_name=_("goal")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="experiment_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(variant_property=""), name="experiment_property_not_empty"
            ),
            models.CheckConstraint(condition=~Q(control=""), name="experiment_control_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.variant_property = (self.variant_property or "").strip()
        self.control = (self.control or "").strip()
        if self.goal_id and self.site_id and self.goal.site_id != self.site_id:
            raise ValidationError({"goal": gettext("Pick one of this site's goals.")})
