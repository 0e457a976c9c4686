"""A site: a website that one owner tracks."""

import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sites.base_urls import BASE_URL_MAX_LENGTH, validate_base_url


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
