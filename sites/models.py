"""A site: a website that one owner tracks."""

import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sites.base_urls import BASE_URL_MAX_LENGTH, validate_base_url
from sites.shields import SHIELD_FIELDS, Shields

RETENTION_MAX_DAYS = 3650
# What an owner sets on a site, in form order: the pages, the admin and the API alike.
SITE_SETTINGS = (
    "name", "base_url", "extra_domains", "allow_localhost", "timezone", "retention_days",
    *SHIELD_FIELDS,
)  # fmt: skip


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Site(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name="owner",
    )
    name = models.CharField("name", max_length=100)
    base_url = models.CharField(
        "address",
        max_length=BASE_URL_MAX_LENGTH,
        validators=[validate_base_url],
        help_text="The site's origin, like https://example.com.",
    )
    extra_domains = models.TextField(
        "other domains",
        blank=True,
        help_text="Other domains the snippet may run on, one per line, like shop.example.com.",
    )
    allow_localhost = models.BooleanField(
        "count visits from localhost",
        default=False,
        help_text="Tick while you test the snippet on your own machine.",
    )
    timezone = models.CharField(
        "time zone for reports",
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
    )
    retention_days = models.PositiveIntegerField(
        "keep visits for (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="Older visits are deleted by the nightly purge_visits. Empty: keep them.",
    )
    # Shields: hits that match are answered like any other and not stored (`sites.shields`).
    # Empty in the database too, so rows written by code that predates them still insert.
    excluded_ips = models.TextField(
        "excluded IP addresses",
        blank=True,
        default="",
        db_default="",
        help_text="Addresses and CIDR ranges, IPv4 or IPv6, one per line, like 192.0.2.0/24.",
    )
    excluded_countries = models.TextField(
        "excluded countries",
        blank=True,
        default="",
        db_default="",
        help_text="Two-letter country codes, like DE US.",
    )
    excluded_paths = models.TextField(
        "excluded pages",
        blank=True,
        default="",
        db_default="",
        help_text="Paths, one per line; * matches anything, like /admin/*.",
    )
    excluded_hostnames = models.TextField(
        "excluded host names",
        blank=True,
        default="",
        db_default="",
        help_text="Hosts, one per line, like staging.example.com or *.test.example.com.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        verbose_name = "site"
        verbose_name_plural = "sites"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["owner", "name"], name="site_owner_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_url__startswith="http://") | Q(base_url__startswith="https://"),
                name="site_base_url_http_or_https",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="site_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:detail", kwargs={"pk": self.pk})

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def domains(self) -> tuple[str, ...]:
        """Every domain whose pages may send visits: the site's own, then the extra ones."""
        return (self.domain, *(line for line in self.extra_domains.split() if line))

    @property
    def shields(self) -> Shields:
        """The site's shields, parsed."""
        return Shields.from_text(**{name: getattr(self, name) for name in SHIELD_FIELDS})


class Goal(models.Model):
    """Something an owner wants visitors to do: reach a page (a path, `*` as a wildcard) or
    send a custom event."""

    class Kind(models.TextChoices):
        PAGE = "page", "Visit a page"
        EVENT = "event", "Send an event"

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="goals", verbose_name="site"
    )
    name = models.CharField("name", max_length=100)
    kind = models.CharField("kind", max_length=10, choices=Kind.choices, default=Kind.PAGE)
    value = models.CharField(
        "page or event",
        max_length=500,
        help_text="A path like /thanks or /blog/* for pages, or the event's name.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "goal"
        verbose_name_plural = "goals"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "value"], name="goal_unique_per_site"),
            models.CheckConstraint(condition=~Q(value=""), name="goal_value_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.value = (self.value or "").strip()
        if self.kind == self.Kind.PAGE and not self.value.startswith("/"):
            raise ValidationError({"value": "A page goal is a path starting with /, like /thanks."})


class SharedLink(models.Model):
    """A secret address that opens one site's dashboard, read-only, to anyone who has it
    (and its password, when one is set). Deleting it revokes it."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="shared_links", verbose_name="site"
    )
    name = models.CharField("name", max_length=100, blank=True, help_text="Who it is for.")
    token = models.CharField("secret", max_length=64, unique=True)
    password = models.CharField("password hash", max_length=255, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "shared link"
        verbose_name_plural = "shared links"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"Shared link {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("shared_dashboard", kwargs={"token": self.token})

    @property
    def has_password(self) -> bool:
        return bool(self.password)


class SharedLinkGuess(models.Model):
    """A wrong password typed for a shared link, kept a short while to limit guessing: per
    guesser (a daily pseudonym of their address, never the address) and per link. Kept in the
    database so the limit holds across processes with or without Redis."""

    link = models.ForeignKey(
        SharedLink, on_delete=models.CASCADE, related_name="guesses", verbose_name="link"
    )
    guesser = models.CharField("guesser", max_length=64)
    at = models.DateTimeField("time", db_index=True)

    class Meta:
        verbose_name = "shared link guess"
        verbose_name_plural = "shared link guesses"
        indexes = [models.Index(fields=["link", "guesser", "at"], name="guess_link_guesser_at_idx")]

    def __str__(self) -> str:
        return f"Guess at {self.link} ({self.at:%Y-%m-%d %H:%M})"


class Role(models.TextChoices):
    """What a teammate may do with a site. The owner may do everything, including deleting it,
    sharing it and choosing its team; roles are ordered, each allowing what the one before does."""

    VIEWER = "viewer", "viewer"
    MANAGER = "manager", "manager"


OWNER = "owner"  # not a membership: the site's `owner` field
ROLE_RANK = {Role.VIEWER: 1, Role.MANAGER: 2, OWNER: 3}


class Membership(models.Model):
    """A teammate's place on someone else's site."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="memberships", verbose_name="site"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="user",
    )
    role = models.CharField("role", max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField("member since", auto_now_add=True)

    class Meta:
        verbose_name = "team member"
        verbose_name_plural = "team members"
        ordering = ["site", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="membership_unique_per_site"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.site} ({self.role})"


class Invitation(models.Model):
    """An offer, by email, to join a site's team. It expires; accepting it makes a membership."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="invitations", verbose_name="site"
    )
    email = models.EmailField("email")
    role = models.CharField("role", max_length=10, choices=Role.choices, default=Role.VIEWER)
    token = models.CharField("secret", max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="invited by",
    )
    created_at = models.DateTimeField("sent", auto_now_add=True)
    expires_at = models.DateTimeField("expires")

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["site", "email"]
        constraints = [
            models.UniqueConstraint(fields=["site", "email"], name="invitation_unique_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("invitation", kwargs={"token": self.token})


ANNOTATION_MAX_LENGTH = 200


class Annotation(models.Model):
    """A dated note on a site's figures ("new pricing page"), a marker on the dashboard's chart."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="annotations", verbose_name="site"
    )
    day = models.DateField("day", help_text="In the site's time zone.")
    text = models.CharField("note", max_length=ANNOTATION_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="added by",
    )
    created_at = models.DateTimeField("added", auto_now_add=True)

    class Meta:
        verbose_name = "annotation"
        verbose_name_plural = "annotations"
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["site", "day"], name="annotation_site_day_idx")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="annotation_not_empty")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.text}"


class Segment(models.Model):
    """A named set of the dashboard's filters, shared by a site's team. `filters` maps a filter's
    query parameter to its value; `visits.segments` validates them (sites know no dimensions)."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="segments", verbose_name="site"
    )
    name = models.CharField("name", max_length=100)
    filters = models.JSONField("filters", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saved by",
    )
    created_at = models.DateTimeField("saved", auto_now_add=True)

    class Meta:
        verbose_name = "segment"
        verbose_name_plural = "segments"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="segment_name_unique_per_site",
                violation_error_message="This site has a segment of that name already.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="segment_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Funnel(models.Model):
    """An ordered path an owner wants visitors to follow within one visit: 2 to 8 steps, each
    a page or a custom event (see `FunnelStep`)."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="funnels", verbose_name="site"
    )
    name = models.CharField("name", max_length=100)
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "funnel"
        verbose_name_plural = "funnels"
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
        PAGE = "page", "Visit a page"
        EVENT = "event", "Send an event"

    funnel = models.ForeignKey(
        Funnel, on_delete=models.CASCADE, related_name="steps", verbose_name="funnel"
    )
    position = models.PositiveSmallIntegerField("position")
    kind = models.CharField("kind", max_length=10, choices=Kind.choices, default=Kind.PAGE)
    value = models.CharField(
        "page or event",
        max_length=500,
        help_text="A path like /pricing or /blog/* for pages, or the event's name.",
    )
    prop_key = models.CharField(
        "property", max_length=100, blank=True, help_text="Events only: a property it must carry."
    )
    prop_value = models.CharField("property value", max_length=500, blank=True)

    class Meta:
        verbose_name = "funnel step"
        verbose_name_plural = "funnel steps"
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
                raise ValidationError({"value": "A page step is a path starting with /."})
            if self.prop_key or self.prop_value:
                raise ValidationError({"prop_key": "Only event steps have a property."})
        elif self.value in ("pageview", "engagement"):
            # The beacon's own kinds of hit (visits.models.RESERVED_EVENTS), not custom events.
            raise ValidationError({"value": "Name a custom event; for pages, use a page step."})
        elif self.prop_value and not self.prop_key:
            raise ValidationError({"prop_key": "Name the property that holds this value."})


class Experiment(models.Model):
    """An A/B test run by the owner's own site: its custom events carry the variant a visitor
    was shown in one property (`exp_checkout=b`); the report compares each variant's
    conversion to `goal` with the control's."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="experiments", verbose_name="site"
    )
    name = models.CharField("name", max_length=100)
    variant_property = models.CharField(
        "variant property",
        max_length=100,
        help_text="The custom events' property that holds the variant, like exp_checkout.",
    )
    control = models.CharField(
        "control variant", max_length=100, help_text="The variant the others are compared to."
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="experiments", verbose_name="goal"
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "experiment"
        verbose_name_plural = "experiments"
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
            raise ValidationError({"goal": "Pick one of this site's goals."})
