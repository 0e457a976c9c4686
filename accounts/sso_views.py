"""The two steps of single sign-on: off to the identity provider, and back. Whatever goes wrong
on the way back (a forged or stale state, a token that doesn't verify, an email that may not
sign in, a provider that can't be reached) lands on the login page with a message."""

import logging

import requests
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.sso import SingleSignOnRefused, library_setting, sso_enabled

logger = logging.getLogger(__name__)
STALE_STATE = gettext_lazy("This sign-in was not started here, or it took too long: sign in again.")


def _refuse(request, message: str):
    messages.error(request, _("Single sign-on failed. %(reason)s") % {"reason": message})
    return redirect("accounts:login")


class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """GET with an optional `next`: a redirect to the provider's authorization endpoint."""

    get_settings = staticmethod(library_setting)

    def __init__(self, *args, **kwargs):
        # Not the library's: it reads the endpoint before the request, where a provider that
        # can't be reached would be a 500 instead of a message.
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is off.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = library_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SingleSignOnRefused as refusal:
            return _refuse(request, str(refusal))
        self.OIDC_RP_CLIENT_ID = library_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back with `code` and `state` (or `error`)."""

    get_settings = staticmethod(library_setting)

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is off.")
        state = request.GET.get("state")
        if "code" in request.GET and state not in request.session.get("oidc_states", {}):
            logger.warning("Single sign-on refused a callback whose state this session lacks.")
            return _refuse(request, STALE_STATE)
        try:
            return super().get(request)
        except SingleSignOnRefused as refusal:
            return _refuse(request, str(refusal))
        except SuspiciousOperation as error:
            logger.warning("Single sign-on refused a sign-in: %s", error)
            return _refuse(request, _("The identity provider's answer could not be verified."))
        except requests.RequestException as error:
            logger.warning("Single sign-on could not talk to the provider: %s", error)
            return _refuse(request, _("The identity provider did not answer as expected."))

    def login_failure(self):
        if self.request.GET.get("error"):
            return _refuse(self.request, _("The identity provider did not sign you in."))
        return _refuse(self.request, _("This account can't sign in."))
