"""Two-factor login: an authenticator app (TOTP, RFC 6238, django-otp's TOTPDevice) and ten
one-time recovery codes. An account has it on once its authenticator is confirmed; a session
passes the second step with `django_otp.login`, which its later requests read back."""

import secrets
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.models import User
from accounts.sso import sso_session
from accounts.two_factor_models import RecoveryCode, RecoveryCodeDevice, recovery_code_digest

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read off paper. 31 letters, 12 of them: about 59 bits a code.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 12


class CodeThrottled(Exception):
    """Too many wrong authenticator codes just now: django-otp refuses the next for a while."""

    def __init__(self, until: datetime | None):
        super().__init__("Wait a moment before the next code.")
        self.until = until


@dataclass(frozen=True)
class PendingAuthenticator:
    """An authenticator being set up: its secret lives in the session until a code proves it."""

    device: TOTPDevice  # unsaved

    @property
    def uri(self) -> str:
        return self.device.config_url

    @property
    def secret(self) -> str:
        return b32encode(self.device.bin_key).decode()

    def qr_svg(self) -> str:
        """The otpauth:// URI as an inline SVG QR code, drawn here: no request leaves the page."""
        return segno.make(self.uri, error="m").svg_inline(
            scale=4, dark="#000", light="#fff", svgclass="qr", title="QR code for your app"
        )


def two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_step_due(request: HttpRequest) -> str | None:
    """What this session must do before anything else: "verify" (enter a code), "setup"
    (staff under REQUIRE_2FA without an authenticator), or None. A single sign-on session is
    asked for neither: the identity provider owns that login, and its own second factor."""
    user = request.user
    if not user.is_authenticated or sso_session(request):
        return None
    if getattr(user, "is_verified", None) and user.is_verified():
        return None
    if two_factor_enabled(user=user):
        return "verify"
    if settings.REQUIRE_2FA and user.is_staff:
        return "setup"
    return None


def authenticator_pending(*, user: User, key: str | None) -> PendingAuthenticator:
    """The authenticator being set up, from the hex `key` kept in the session (or a new one)."""
    return PendingAuthenticator(
        TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key or random_hex(20), confirmed=False)
    )


def two_factor_enable(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor login on once `code` comes from the app holding `key`; returns the
    authenticator and the plain recovery codes, which are never stored or shown again."""
    device = authenticator_pending(user=user, key=key).device
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not _six_digits(code) or not totp.verify(int(_plain(code)), device.tolerance):
        raise ValidationError(_("That code is not right: type the six digits your app shows now."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.last_t = totp.t()  # the code just used can't log in again
        device.drift = totp.drift
        device.save()
        codes = recovery_codes_replace(user=user)
    return device, codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """A new set of recovery codes (the old ones stop working); returns them in plain text."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    return ["-".join(code[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)) for code in codes]


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code`: the authenticator for six digits (each code once, and
    throttled after wrong ones: CodeThrottled), otherwise a recovery code, which is spent."""
    if _six_digits(code):
        with transaction.atomic():
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            if device is None:
                return None
            allowed, details = device.verify_is_allowed()
            if not allowed:
                raise CodeThrottled((details or {}).get("locked_until"))
            if device.verify_token(_plain(code)):
                return device
        return None
    device = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and device.verify_token(code):
        return device
    return None


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()


def _plain(code: str) -> str:
    return "".join(code.split())


def _six_digits(code: str) -> bool:
    plain = _plain(code)
    return len(plain) == 6 and plain.isascii() and plain.isdigit()
