"""Forgotten passwords: Django's reset flow (an emailed link with a one-time token), limited per
client address, and open to accounts made by single sign-on, which have no password yet.

The page says the same whether or not the address has an account, so it tells nobody who is
registered. A reset logs nobody in: two-factor login still asks for its code afterwards."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.addresses import request_limit_key
from accounts.language import email_language
from accounts.models import User
from accounts.ratelimits import rate_limited


class ResetRequestForm(PasswordResetForm):
    def get_users(self, email):
        # Unlike Django's, also accounts without a usable password: those made by single
        # sign-on set their first one this way.
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with email_language(context["user"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": gettext_lazy("Forgot your password?")}

    def post(self, request, *args, **kwargs):
        limit = settings.PASSWORD_RESET_RATE_LIMIT
        key = request_limit_key(request)
        if rate_limited(request=request, group="password_reset", key=key, rate=limit):
            context = {"title": _("Too many reset emails"), "limit": limit}
            return render(request, "accounts/password_reset_limited.html", context, status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": gettext_lazy("Check your email")}

    def get_context_data(self, **kwargs):
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        return super().get_context_data(timeout_days=days, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": gettext_lazy("Choose a new password")}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": gettext_lazy("Password changed")}
