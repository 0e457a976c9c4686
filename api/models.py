"""Personal API tokens: shown to their owner once, stored only as a hash."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="owner",
    )
    name = models.CharField("name", max_length=100)
    prefix = models.CharField("starts with", max_length=12, editable=False)
    key_hash = models.CharField("hash", max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        "read only", default=True, help_text="Read-only tokens can't change sites or send events."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
