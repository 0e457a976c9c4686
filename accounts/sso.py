"""Single sign-on with OpenID Connect (mozilla-django-oidc): the provider's endpoints found from
its discovery document, who may sign in, and the refusals shown on the login page.

The library's settings are derived here from ours (`OIDC_ISSUER`, `OIDC_CLIENT_ID`, ...), so
operators set five names and nothing can drift apart. SSO is off while `OIDC_ISSUER` is empty.
"""

import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.cache import cache
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.translation import gettext as _
from mozilla_django_oidc.utils import import_from_settings

BACKEND = "accounts.sso_backend.SingleSignOnBackend"
DISCOVERY_LIFETIME = 3600  # seconds; a provider's endpoints and keys' address rarely move
TIMEOUT = 10  # seconds for every request to the provider

# Asked when an email without an account signs in under OIDC_CREATE_USERS=False: sender=User,
# email=. A receiver answers True to let the account be made (sites: a pending invitation).
sso_signup_allowed = Signal()

_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_FIXED = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_USE_PKCE": True,
    "OIDC_TIMEOUT": TIMEOUT,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso_callback",
    "OIDC_CREATE_USER": True,  # our backend decides, with OIDC_CREATE_USERS
}
_OURS = {"OIDC_RP_CLIENT_ID": "OIDC_CLIENT_ID", "OIDC_RP_CLIENT_SECRET": "OIDC_CLIENT_SECRET"}


class SingleSignOnRefused(Exception):
    """A sign-in that must not go on; its message is shown on the login page."""


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def sso_session(request: HttpRequest) -> bool:
    """Did this session log in through the identity provider (not with a password)?"""
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND


def provider_configuration() -> dict:
    """The provider's discovery document, fetched at first use and cached for an hour."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"sso:discovery:{issuer}"
    if (document := cache.get(key)) is not None:
        return document
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SingleSignOnRefused(
            _("The identity provider can't be reached just now; try again in a moment.")
        ) from error
    # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was fetched from.
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
        raise SingleSignOnRefused(_("The identity provider's configuration doesn't match."))
    if any(not document.get(name) for name in _ENDPOINTS.values()):
        raise SingleSignOnRefused(_("The identity provider's configuration is incomplete."))
    cache.set(key, document, DISCOVERY_LIFETIME)
    return document


def library_setting(name: str, *default):
    """What mozilla-django-oidc asks for by `name`, from our settings and the discovery."""
    if name in _ENDPOINTS:
        return provider_configuration()[_ENDPOINTS[name]]
    if name in _FIXED:
        return _FIXED[name]
    return import_from_settings(_OURS.get(name, name), *default)


def email_domain_allowed(email: str) -> bool:
    domains = settings.OIDC_ALLOWED_DOMAINS
    return not domains or email.rpartition("@")[2].lower() in domains


def signup_allowed(*, user_model, email: str) -> bool:
    """May an account be made for `email` at its first sign-in?"""
    if settings.OIDC_CREATE_USERS:
        return True
    answers = sso_signup_allowed.send(sender=user_model, email=email)
    return any(answer is True for _receiver, answer in answers)
