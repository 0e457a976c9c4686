"""Token pages: make one on the account page or on a site's page (shown once), list them,
revoke one."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from api.forms import SiteTokenForm, TokenForm
from api.models import ApiToken
from api.services import token_create, token_revoke
from sites.access import SiteMixin
from sites.models import OWNER


def _shown_once(request, token: ApiToken, plain: str, back: str):
    # The only time the token is ever shown: rendered, not redirected, and not cached.
    response = render(
        request,
        "api/token_created.html",
        {"title": _("Your new API token"), "token": token, "plain": plain, "back": back},
    )
    response["Cache-Control"] = "no-store"
    return response


class TokenCreateView(LoginRequiredMixin, FormView):
    form_class = TokenForm
    template_name = "api/token_form.html"
    extra_context = {"title": _("New API token")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            token, plain = token_create(owner=self.request.user, **form.token_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return _shown_once(self.request, token, plain, back="/accounts/")


class SiteTokensView(SiteMixin, FormView):
    """The owner's tokens limited to this site, and a form for a new one (for an agency, a CI
    job): only this site, within the scopes ticked."""

    site_role = OWNER
    form_class = SiteTokenForm
    template_name = "api/site_tokens.html"

    def get_context_data(self, **kwargs):
        tokens = self.site.api_tokens.filter(owner=self.request.user, all_sites=False)
        return super().get_context_data(
            site=self.site,
            title=_("API tokens for %(site)s") % {"site": self.site.name},
            tokens=tokens.prefetch_related("sites"),
            **kwargs,
        )

    def form_valid(self, form):
        token, plain = token_create(
            owner=self.request.user, sites=[self.site], **form.token_kwargs()
        )
        return _shown_once(self.request, token, plain, back=self.request.path)


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, owner=request.user)
        token_revoke(token=token)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("accounts:account")
