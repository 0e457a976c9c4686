"""Token pages on the owner's account: make one (shown once), list them, revoke one."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import FormView

from api.forms import TokenForm
from api.models import ApiToken
from api.services import token_create, token_revoke


class TokenCreateView(LoginRequiredMixin, FormView):
    form_class = TokenForm
    template_name = "api/token_form.html"
    extra_context = {"title": "New API token"}

    def form_valid(self, form):
        token, plain = token_create(owner=self.request.user, **form.cleaned_data)
        # The only time the token is ever shown: rendered, not redirected, and not cached.
        response = render(
            self.request,
            "api/token_created.html",
            {"title": "Your new API token", "token": token, "plain": plain},
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, owner=request.user)
        token_revoke(token=token)
        messages.success(request, f"The token “{token.name}” was revoked.")
        return redirect("accounts:account")
