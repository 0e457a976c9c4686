"""The authentication backend behind single sign-on: mozilla-django-oidc's code flow, with the
ID token checked in full (RS256 against the provider's JWKS, issuer, audience, expiry) and
accounts matched by verified email."""

import logging

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import normalize_email_address
from accounts.services import user_register
from accounts.sso import (
    SingleSignOnRefused,
    email_domain_allowed,
    library_setting,
    provider_configuration,
    signup_allowed,
    sso_enabled,
)

logger = logging.getLogger(__name__)
CLOCK_SKEW = 30  # seconds of difference tolerated between the provider's clock and ours


class SingleSignOnBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(library_setting)

    def __init__(self, *args, **kwargs):
        # Not the library's: it would read the endpoints now, and Django builds every backend
        # for every password login too. They are read (and discovered) only when used.
        ModelBackend.__init__(self, *args, **kwargs)
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_CLIENT_SECRET)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: library_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: library_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: library_setting("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        if not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """The ID token's claims once its signature, issuer, audience and times all hold."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=settings.OIDC_CLIENT_ID,
                issuer=provider_configuration()["issuer"],
                leeway=CLOCK_SKEW,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            message = _("The identity provider's answer has expired: sign in again.")
        except jwt.InvalidAudienceError:
            message = _("The identity provider's answer was meant for another application.")
        except jwt.InvalidIssuerError:
            message = _("The identity provider's answer came from another issuer.")
        except jwt.InvalidSignatureError:
            message = _("The identity provider's answer has a signature that doesn't verify.")
        except jwt.InvalidTokenError:
            message = _("The identity provider's answer could not be verified.")
        logger.warning("Single sign-on refused an ID token: %s", message)
        raise SingleSignOnRefused(message)

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the user info is only about the ID token's subject.
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SingleSignOnRefused(_("The identity provider answered about someone else."))
        return claims

    def verify_claims(self, claims):
        email = normalize_email_address(claims.get("email", ""))
        if not email or "@" not in email:
            raise SingleSignOnRefused(
                _("The identity provider did not tell us your email address.")
            )
        # An address the provider has not verified could be anybody's, including an owner's.
        if claims.get("email_verified") is False:
            raise SingleSignOnRefused(_("Your identity provider has not verified your email yet."))
        if not email_domain_allowed(email):
            raise SingleSignOnRefused(
                _("Accounts at %(domain)s can't sign in here.")
                % {"domain": email.rpartition("@")[2]}
            )
        return True

    def create_user(self, claims):
        email = normalize_email_address(claims["email"])
        if not signup_allowed(user_model=self.UserModel, email=email):
            raise SingleSignOnRefused(
                _("No account uses %(email)s: ask a site owner to invite you, then sign in again.")
                % {"email": email}
            )
        name = str(claims.get("name") or "")[:150]
        try:
            with transaction.atomic():
                return user_register(email=email, password=None, name=name)
        except IntegrityError:
            # The same person's first sign-in in two tabs at once: the other made the account.
            return self.UserModel.objects.get(email__iexact=email)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
