"""A site: a website that one owner tracks."""

import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sites.base_urls import BASE_URL_MAX_LENGTH, validate_base_url
from sites.currencies import RevenueError, currency_clean
from sites.shields import SHIELD_FIELDS, Shields

RETENTION_MAX_DAYS = 3650
# What an owner sets on a site, in form order: the pages, the admin and the API alike.
SITE_SETTINGS = (
    "name", "base_url", "extra_domains", "allow_localhost", "timezone", "retention_days",
    *SHIELD_FIELDS,
)  # fmt: skip


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("%(value)s is not a known time zone.") % {"value": repr(value)}
        )


class Site(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    base_url = models.CharField(
        _("address"),
        max_length=BASE_URL_MAX_LENGTH,
        validators=[validate_base_url],
        help_text=_("The site's origin, like https://example.com."),
    )
    extra_domains = models.TextField(
        _("other domains"),
        blank=True,
        help_text=_("Other domains the snippet may run on, one per line, like shop.example.com."),
    )
    allow_localhost = models.BooleanField(
        _("count visits from localhost"),
        default=False,
        help_text=_("Tick while you test the snippet on your own machine."),
    )
    timezone = models.CharField(
        _("time zone for reports"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
    )
    retention_days = models.PositiveIntegerField(
        _("keep visits for (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text=_("Older visits are deleted by the nightly purge_visits. Empty: keep them."),
    )
    # Shields: hits that match are answered like any other and not stored (`sites.shields`).
    # Empty in the database too, so rows written by code that predates them still insert.
    excluded_ips = models.TextField(
        _("excluded IP addresses"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Addresses and CIDR ranges, IPv4 or IPv6, one per line, like 192.0.2.0/24."),
    )
    excluded_countries = models.TextField(
        _("excluded countries"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Two-letter country codes, like DE US."),
    )
    excluded_paths = models.TextField(
        _("excluded pages"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Paths, one per line; * matches anything, like /admin/*."),
    )
    excluded_hostnames = models.TextField(
        _("excluded host names"),
        blank=True,
        default="",
        db_default="",
        help_text=_("Hosts, one per line, like staging.example.com or *.test.example.com."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
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
        PAGE = "page", _("Visit a page")
        EVENT = "event", _("Send an event")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="goals", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAGE)
    value = models.CharField(
        _("page or event"),
        max_length=500,
        help_text=_("A path like /thanks or /blog/* for pages, or the event's name."),
    )
    # Set for a revenue goal: the event's revenue in this ISO 4217 currency counts toward it.
    currency = models.CharField(
        _("revenue currency"),
        max_length=3,
        blank=True,
        help_text=_("For an event that carries revenue: its currency, like EUR; else empty."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
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
            raise ValidationError(
                {"value": gettext("A page goal is a path starting with /, like /thanks.")}
            )
        if self.currency:
            if self.kind != self.Kind.EVENT:
                raise ValidationError(
                    {"currency": gettext("Only an event goal can count revenue.")}
                )
            try:
                self.currency = currency_clean(self.currency)
            except RevenueError as error:
                raise ValidationError({"currency": str(error)}) from error

    @property
    def is_revenue(self) -> bool:
        return bool(self.currency)


class SharedLink(models.Model):
    """A secret address that opens one site's dashboard, read-only, to anyone who has it
    (and its password, when one is set). Deleting it revokes it."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="shared_links", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Who it is for."))
    token = models.CharField(_("secret"), max_length=64, unique=True)
    password = models.CharField(_("password hash"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared link")
        verbose_name_plural = _("shared links")
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
        SharedLink, on_delete=models.CASCADE, related_name="guesses", verbose_name=_("link")
    )
    guesser = models.CharField(_("guesser"), max_length=64)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("shared link guess")
        verbose_name_plural = _("shared link guesses")
        indexes = [models.Index(fields=["link", "guesser", "at"], name="guess_link_guesser_at_idx")]

    def __str__(self) -> str:
        return f"Guess at {self.link} ({self.at:%Y-%m-%d %H:%M})"


class Role(models.TextChoices):
    """What a teammate may do with a site. The owner may do everything, including deleting it,
    sharing it and choosing its team; roles are ordered, each allowing what the one before does."""

    VIEWER = "viewer", _("viewer")
    MANAGER = "manager", _("manager")


OWNER = "owner"  # not a membership: the site's `owner` field
ROLE_RANK = {Role.VIEWER: 1, Role.MANAGER: 2, OWNER: 3}


class Membership(models.Model):
    """A teammate's place on someone else's site."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("site")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
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
        Site, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("site")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    token = models.CharField(_("secret"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["site", "email"]
        constraints = [
            models.UniqueConstraint(fields=["site", "email"], name="invitation_unique_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("invitation", kwargs={"token": self.token})


# Defined beside this module (one idea each); named here so every model of the app is found.
from sites.definitions import (  # noqa: E402
    ANNOTATION_MAX_LENGTH,  # noqa: F401
    FUNNEL_MAX_STEPS,  # noqa: F401
    FUNNEL_MIN_STEPS,  # noqa: F401
    Annotation,  # noqa: F401
    Experiment,  # noqa: F401
    Funnel,  # noqa: F401
    FunnelStep,  # noqa: F401
    Segment,  # noqa: F401
)
