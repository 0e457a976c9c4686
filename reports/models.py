"""Who gets a site's figures by email, and which alerts have gone out (so none goes twice)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sites.models import Segment, Site


class Subscription(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly (Mondays, the week before)")
        MONTHLY = "monthly", _("Monthly (the 1st, the month before)")
        NONE = "none", _("No digest, alerts only")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("site")
    )
    # A teammate's emails follow their account to its current (confirmed) address; an outside
    # recipient, whom owners and managers may add, is only an address.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("account"),
        help_text=_("Set for a user's own emails: they go to the account's current address."),
    )
    email = models.EmailField(
        _("email"),
        help_text=_("The outside recipient's address; for an account, its address then."),
    )
    frequency = models.CharField(
        _("digest"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    alerts = models.BooleanField(
        _("alerts"), default=True, help_text=_("No visits for 24 hours, or a sudden spike.")
    )
    # Deleting the segment turns the digest back to all visits rather than losing the recipient.
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("segment"),
        help_text=_("Digest only the visits of this saved segment; empty: all visits."),
    )
    # Unsubscribing works from the email alone, without logging in.
    token = models.CharField(_("unsubscribe secret"), max_length=64, unique=True)
    last_period_sent = models.DateField(_("last digest covered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("email subscription")
        verbose_name_plural = _("email subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "email"],
                condition=Q(user__isnull=True),
                name="subscription_unique_email",
                violation_error_message=_("This address gets the site's emails already."),
            ),
            models.UniqueConstraint(
                fields=["site", "user"],
                condition=Q(user__isnull=False),
                name="subscription_unique_user",
                violation_error_message=_("This account gets the site's emails already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.get_frequency_display()})"

    def clean(self) -> None:
        super().clean()
        # A form checks before the site is set (its choices are the site's); the service after.
        if self.segment_id and self.site_id and self.segment.site_id != self.site_id:
            raise ValidationError({"segment": gettext("Pick one of this site's segments.")})

    @property
    def recipient(self) -> str:
        """Where the emails go: the account's address now, or the outside address."""
        return self.user.email if self.user_id else self.email


class SentAlert(models.Model):
    """One alert event of a site: its key names the event, so it is sent once."""

    class Kind(models.TextChoices):
        NO_VISITS = "no_visits", _("No visits for 24 hours")
        SPIKE = "spike", _("Traffic spike")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="sent_alerts", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("event"), max_length=40)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent alert")
        verbose_name_plural = _("sent alerts")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "key"], name="alert_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for site {self.site_id} ({self.key})"


class Webhook(models.Model):
    """A Slack incoming webhook or any URL that gets a site's digests and alerts as signed JSON."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack incoming webhook")
        WEBHOOK = "webhook", _("Webhook (JSON)")

    class Status(models.TextChoices):
        NONE = "", _("not yet")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEBHOOK)
    url = models.URLField(
        _("URL"), max_length=2048, help_text=_("http or https, on the public internet.")
    )
    # Plain, since it signs every body; shown to the site's managers so the receiver can check.
    secret = models.CharField(_("signing secret"), max_length=64, editable=False)
    frequency = models.CharField(
        _("digest"),
        max_length=10,
        choices=Subscription.Frequency.choices,
        default=Subscription.Frequency.WEEKLY,
    )
    alerts = models.BooleanField(
        _("alerts"), default=True, help_text=_("No visits for 24 hours, or a sudden spike.")
    )
    last_period_sent = models.DateField(_("last digest covered"), null=True, blank=True)
    last_status = models.CharField(
        _("last delivery"), max_length=10, choices=Status.choices, default=Status.NONE, blank=True
    )
    last_response_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    last_attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    last_delivery_at = models.DateTimeField(_("last delivery at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "url"],
                name="webhook_unique_url",
                violation_error_message=_("This URL gets the site's reports already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for site {self.site_id}"
