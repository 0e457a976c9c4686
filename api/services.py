"""Making, using and revoking API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken

TOKEN_PREFIX = "trk_"  # noqa: S105 (a label, not a secret)
LAST_USED_PRECISION = timedelta(minutes=1)


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


@transaction.atomic
def token_create(*, owner: User, name: str, read_only: bool = True) -> tuple[ApiToken, str]:
    """Make a token; return it with its plain text, which is never stored or shown again."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        owner=owner,
        name=name.strip() or "API token",
        read_only=read_only,
        prefix=plain[:12],
        key_hash=token_hash(plain),
    )
    token.full_clean()
    token.save()
    return token, plain


def token_authenticate(*, plain: str) -> ApiToken | None:
    """The active token with this text, its last use noted (at most once a minute)."""
    token = (
        ApiToken.objects.select_related("owner")
        .filter(key_hash=token_hash(plain), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_update(*, token: ApiToken, name: str, read_only: bool) -> ApiToken:
    """Rename a token or change what it may do; its secret stays."""
    token.name = name.strip() or "API token"
    token.read_only = read_only
    token.full_clean()
    token.save(update_fields=["name", "read_only"])
    return token


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
