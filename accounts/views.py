"""Pages for signing up, logging in and out, and managing one's account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, UpdateView

from accounts.addresses import request_limit_key
from accounts.forms import AccountForm, LoginForm, RegistrationForm
from accounts.ratelimits import rate_limited
from accounts.services import email_change_confirm, email_change_request, user_register
from accounts.sso import sso_enabled


class RegisterView(CreateView):
    form_class = RegistrationForm
    template_name = "accounts/register.html"
    success_url = reverse_lazy("sites:list")
    extra_context = {"title": gettext_lazy("Create your account")}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(self.success_url)
        return super().dispatch(request, *args, **kwargs)

    def _next(self) -> str:
        """Where to go after signing up (an invitation, say): only a page of this host."""
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if safe else ""

    def get_initial(self):
        return {**super().get_initial(), "email": self.request.GET.get("email", "")[:254]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self._next(), **kwargs)

    def post(self, request, *args, **kwargs):
        limit = settings.REGISTER_RATE_LIMIT
        key = request_limit_key(request)
        if rate_limited(request=request, group="register", key=key, rate=limit):
            context = {"title": _("Too many sign-ups"), "limit": limit}
            return render(request, "accounts/rate_limited.html", context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = user_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            name=form.cleaned_data.get("name", ""),
        )
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        if next_page := self._next():
            messages.success(self.request, _("Welcome! Your account is ready."))
            return redirect(next_page)
        messages.success(self.request, _("Welcome! Add your first site to start counting visits."))
        return redirect(self.success_url)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Log in")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(sso_enabled=sso_enabled(), **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


class AccountView(LoginRequiredMixin, SuccessMessageMixin, UpdateView):
    form_class = AccountForm
    template_name = "accounts/account.html"
    success_url = reverse_lazy("accounts:account")
    success_message = gettext_lazy("Your account was updated.")
    extra_context = {"title": gettext_lazy("Your account")}

    def get_object(self, queryset=None):
        return self.request.user

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tokens=self.request.user.api_tokens.prefetch_related("sites"), **kwargs
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        email = form.cleaned_data["email"]
        if email != self.request.user.email:
            email_change_request(user=self.request.user, email=email)
            messages.info(
                self.request,
                _("We sent a link to %(email)s: your email changes when you open it.")
                % {"email": email},
            )
        return response


class EmailConfirmView(LoginRequiredMixin, View):
    """The link in an email-change email: opened by the logged-in account, it changes the email."""

    def get(self, request, token: str):
        try:
            user = email_change_confirm(user=request.user, token=token)
        except ValidationError as error:
            context = {"title": _("Email not changed"), "problem": " ".join(error.messages)}
            return render(request, "accounts/email_confirm.html", context, status=400)
        messages.success(request, _("Your email is now %(email)s.") % {"email": user.email})
        return redirect("accounts:account")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")
    success_message = gettext_lazy("Your password was changed.")
    extra_context = {"title": gettext_lazy("Change your password")}
