"""Making, using and revoking API tokens."""

import hashlib
import secrets
from collections.abc import Collection, Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import READ, SCOPE_FIELDS, ApiToken
from sites.models import Site
from sites.selectors import site_queryset_for

TOKEN_PREFIX = "trk_"  # noqa: S105 (a label, not a secret)
LAST_USED_PRECISION = timedelta(minutes=1)


def token_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def _apply_scopes(token: ApiToken, scopes: Collection[str]) -> None:
    unknown = set(scopes) - set(SCOPE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown scope: {', '.join(sorted(unknown))}.")
    for scope, field in SCOPE_FIELDS.items():
        setattr(token, field, scope in scopes)


def _checked_sites(owner: User, sites: Iterable[Site] | None) -> list[Site] | None:
    """None for every site; else the chosen sites, each one the owner may open."""
    if sites is None:
        return None
    chosen = list(sites)
    if not chosen:
        raise ValidationError({"sites": "Choose at least one site, or every site."})
    allowed = set(
        site_queryset_for(user=owner)
        .filter(pk__in=[site.pk for site in chosen])
        .values_list("pk", flat=True)
    )
    if any(site.pk not in allowed for site in chosen):
        raise ValidationError({"sites": "A token can only be limited to sites you can open."})
    return chosen


@transaction.atomic
def token_create(
    *,
    owner: User,
    name: str,
    scopes: Collection[str] = (READ,),
    sites: Iterable[Site] | None = None,
) -> tuple[ApiToken, str]:
    """Make a token with these scopes, for these sites (None: all of the owner's, now and
    later); return it with its plain text, which is never stored or shown again."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    chosen = _checked_sites(owner, sites)
    token = ApiToken(
        owner=owner,
        name=name.strip() or "API token",
        all_sites=chosen is None,
        prefix=plain[:12],
        key_hash=token_hash(plain),
    )
    _apply_scopes(token, scopes)
    token.full_clean()
    token.save()
    if chosen is not None:
        token.sites.set(chosen)
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


@transaction.atomic
def token_update(
    *, token: ApiToken, name: str, scopes: Collection[str], sites: Iterable[Site] | None
) -> ApiToken:
    """Rename a token or change what it may do and where; its secret stays."""
    chosen = _checked_sites(token.owner, sites)
    token.name = name.strip() or "API token"
    token.all_sites = chosen is None
    _apply_scopes(token, scopes)
    token.full_clean()
    token.save(update_fields=["name", "all_sites", *SCOPE_FIELDS.values()])
    token.sites.set(chosen or [])
    return token


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
