"""Recovery codes: a django-otp device whose one-time codes are kept only as SHA-256 hashes.

django-otp's own static tokens are stored as typed; these are random (about 59 bits each),
so a plain hash is enough, and a spent code is marked in one UPDATE, so it works once only.
"""

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


def recovery_code_digest(code: str) -> str:
    """The stored form of a code, however it was typed (case, spaces, dashes)."""
    normal = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normal.encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """An account's current set of recovery codes (one set per account)."""

    class Meta(Device.Meta):
        verbose_name = _("recovery code set")
        verbose_name_plural = _("recovery code sets")

    def __str__(self) -> str:
        return f"Recovery codes of {self.user}"

    def verify_token(self, token) -> bool:
        digest = recovery_code_digest(str(token))
        spent = self.codes.filter(digest=digest, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return spent == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes", verbose_name=_("set")
    )
    digest = models.CharField(_("SHA-256 of the code"), max_length=64)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return "used recovery code" if self.used_at else "unused recovery code"
