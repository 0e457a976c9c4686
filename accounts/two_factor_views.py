"""Pages of two-factor login: the code asked after the password, setting it up from the
account page (QR code, a first code, recovery codes shown once), new recovery codes, and
turning it off (password and a current code)."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from accounts.two_factor import (
    CodeThrottled,
    authenticator_pending,
    recovery_codes_replace,
    second_step_due,
    two_factor_disable,
    two_factor_enable,
    two_factor_enabled,
    two_factor_verify,
)
from accounts.two_factor_forms import (
    WRONG_PASSWORD,
    CodeForm,
    DisableForm,
    PasswordForm,
    SetupCodeForm,
)
from accounts.two_factor_lockout import code_failed, code_locked, code_passed

PENDING_KEY = "two_factor_pending_key"
ACCOUNT = reverse_lazy("accounts:account")
WRONG = gettext_lazy("That code is not right, or was already used.")
WRONG_CODE = "wrong_code"
THROTTLED = gettext_lazy("Too many wrong codes just now: wait a few seconds.")


def _locked_out(request) -> HttpResponse:
    """The session ends; django-axes' middleware answers the 429 with its page."""
    logout(request)
    return HttpResponse(status=429)


class NextMixin:
    def next_page(self) -> str:
        """Where to go afterwards: `next` when it is a page of this host."""
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if safe else ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_page(), **kwargs)


def _codes_page(request, codes: list[str], *, back: str) -> HttpResponse:
    context = {"title": _("Your recovery codes"), "codes": codes, "back": back}
    response = render(request, "accounts/two_factor_recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _second_step_passed(request, device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()  # a new session id for the now fully logged-in session
    code_passed(request=request, user=request.user)


class TwoFactorVerifyView(LoginRequiredMixin, NextMixin, FormView):
    """After the password: the code from the app, or a recovery code."""

    form_class = CodeForm
    template_name = "accounts/two_factor_verify.html"
    extra_context = {"title": gettext_lazy("Two-factor login")}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and second_step_due(request) != "verify":
            return redirect(self.next_page() or settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if code_locked(request=request, user=request.user):
            return _locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        try:
            device = two_factor_verify(user=user, code=form.cleaned_data["code"])
        except CodeThrottled:
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        if device is None:
            if code_failed(request=self.request, user=user):
                return _locked_out(self.request)
            form.add_error("code", WRONG)
            return self.form_invalid(form)
        _second_step_passed(self.request, device)
        return redirect(self.next_page() or settings.LOGIN_REDIRECT_URL)


class TwoFactorSetupView(LoginRequiredMixin, NextMixin, FormView):
    """Scan the QR code (or type the secret), then prove it with a first code."""

    form_class = SetupCodeForm
    template_name = "accounts/two_factor_setup.html"
    extra_context = {"title": gettext_lazy("Set up two-factor login")}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor_enabled(user=request.user):
            messages.info(request, _("Two-factor login is already on."))
            return redirect(ACCOUNT)
        return super().dispatch(request, *args, **kwargs)

    def pending(self):
        pending = authenticator_pending(
            user=self.request.user, key=self.request.session.get(PENDING_KEY)
        )
        self.request.session[PENDING_KEY] = pending.device.key
        return pending

    def get_context_data(self, **kwargs):
        required = settings.REQUIRE_2FA and self.request.user.is_staff
        return super().get_context_data(pending=self.pending(), required=required, **kwargs)

    def form_valid(self, form):
        try:
            device, codes = two_factor_enable(
                user=self.request.user,
                key=self.pending().device.key,
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        del self.request.session[PENDING_KEY]
        _second_step_passed(self.request, device)
        messages.success(self.request, _("Two-factor login is on."))
        return _codes_page(self.request, codes, back=self.next_page() or str(ACCOUNT))


class RecoveryCodesView(LoginRequiredMixin, FormView):
    """New recovery codes, after the password: the old ones stop working."""

    form_class = PasswordForm
    template_name = "accounts/two_factor_password.html"
    extra_context = {
        "title": gettext_lazy("New recovery codes"),
        "lead": gettext_lazy(
            "Your current recovery codes stop working once the new ones are made."
        ),
        "submit": gettext_lazy("Make new recovery codes"),
    }

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor_enabled(user=request.user):
            return redirect(ACCOUNT)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    # A wrong password or code here counts against the login lockout too, so a borrowed
    # session can't guess either without limit; once locked out, the session ends.
    def post(self, request, *args, **kwargs):
        if code_locked(request=request, user=request.user):
            return _locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        wrong = form.has_error("password", WRONG_PASSWORD) or form.has_error("code", WRONG_CODE)
        if wrong and code_failed(request=self.request, user=self.request.user):
            return _locked_out(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        codes = recovery_codes_replace(user=self.request.user)
        return _codes_page(self.request, codes, back=ACCOUNT)


class TwoFactorDisableView(RecoveryCodesView):
    """Turn it off: the password and a current code (or a recovery code)."""

    form_class = DisableForm
    extra_context = {
        "title": gettext_lazy("Turn off two-factor login"),
        "lead": gettext_lazy("Logins will ask for your password only."),
        "submit": gettext_lazy("Turn off two-factor login"),
    }

    def form_valid(self, form):
        user = self.request.user
        try:
            device = two_factor_verify(user=user, code=form.cleaned_data["code"])
        except CodeThrottled:
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        if device is None:
            form.add_error("code", ValidationError(WRONG, code=WRONG_CODE))
            return self.form_invalid(form)
        two_factor_disable(user=user)
        messages.success(self.request, _("Two-factor login is off."))
        return redirect(reverse("accounts:account"))
