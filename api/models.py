"""Personal API tokens: shown to their owner once, stored only as a hash, limited to scopes and,
if the owner likes, to some sites."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

READ, WRITE, INGEST = "read", "write", "ingest"
# What each scope lets a token do, in the words of the forms and the API's refusals.
# Marked for the token forms, which show them translated; the API and its schema say them as is.
SCOPES = {
    READ: gettext_noop("see sites, their figures and visits"),
    WRITE: gettext_noop("add, change and delete sites and their goals"),
    INGEST: gettext_noop("send events to the events endpoint"),
}
SCOPE_FIELDS = {READ: "can_read", WRITE: "can_write", INGEST: "can_ingest"}


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
    can_read = models.BooleanField("read", default=True, help_text=SCOPES[READ].capitalize() + ".")
    can_write = models.BooleanField(
        "write", default=False, help_text=SCOPES[WRITE].capitalize() + "."
    )
    can_ingest = models.BooleanField(
        "ingest", default=False, help_text=SCOPES[INGEST].capitalize() + " (and nothing else)."
    )
    all_sites = models.BooleanField(
        "all sites",
        default=True,
        help_text="Every site you can open, now and later. Untick it to limit the token to the "
        "sites chosen below.",
    )
    sites = models.ManyToManyField(
        "sites.Site",
        blank=True,
        related_name="api_tokens",
        verbose_name="sites",
        help_text="The only sites the token may use when “all sites” is unticked.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    last_used_at = models.DateTimeField("last used", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(can_read=True)
                | models.Q(can_write=True)
                | models.Q(can_ingest=True),
                name="apitoken_has_a_scope",
                violation_error_message="Give the token at least one scope: read, write or ingest.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def scopes(self) -> list[str]:
        return [scope for scope, field in SCOPE_FIELDS.items() if getattr(self, field)]

    def has_scope(self, scope: str) -> bool:
        return getattr(self, SCOPE_FIELDS[scope])
