"""The shared dashboard: read-only, behind a secret link (and optionally a password)."""

from csp.decorators import csp_replace
from django import forms
from django.contrib.auth.hashers import check_password
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt

from accounts.addresses import pseudonymous_address
from sites.services import shared_link_guess_record, shared_link_guesses_exceeded
from visits.stats.dashboard import DashboardPage
from visits.stats.shared_access import SharedLinkMixin


class SharedPasswordForm(forms.Form):
    password = forms.CharField(max_length=128, widget=forms.PasswordInput)


@method_decorator(never_cache, name="dispatch")
class SharedDashboardView(SharedLinkMixin, DashboardPage):
    """The read-only dashboard behind a secret link; an unknown or revoked link is a 404. It
    asks for the link's password itself, and lists the site's funnels and experiments."""

    embed = False
    handles_password = True

    def get_object(self, queryset=None):
        return self.shared_link().site

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.unlocked():
            return self._password_page(SharedPasswordForm())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = SharedPasswordForm(request.POST)
        guesser, now = pseudonymous_address(request), timezone.now()
        if shared_link_guesses_exceeded(link=self.link, guesser=guesser, now=now):
            form.is_valid()
            form.add_error(None, _("Too many wrong tries. Wait a few minutes and try again."))
            return self._password_page(form, status=429)
        if form.is_valid() and check_password(form.cleaned_data["password"], self.link.password):
            request.session[self.unlock_key] = True
            return redirect(request.get_full_path())
        if form.is_valid():
            shared_link_guess_record(link=self.link, guesser=guesser, now=now)
            form.add_error("password", _("That is not the password of this link."))
        return self._password_page(form, status=403)

    def _password_page(self, form, status=200):
        return render(
            self.request,
            "sites/shared_password.html",
            {
                "form": form,
                "title": _("%(object)s: password") % {"object": self.object.name},
                "embed": self.embed,
            },
            status=status,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shared=True, embed=self.embed, shared_reports=self._reports(), **kwargs
        )

    def _reports(self) -> list[tuple[str, str]]:
        """(name, address) of the reports this link also opens; none inside another site's
        frame, where the dashboard stays one page."""
        if self.embed:
            return []
        token, site = self.link.token, self.link.site
        reports = [
            (_("Performance"), reverse("shared_performance", args=[token])),
            (_("Journeys"), reverse("shared_journeys", args=[token])),
        ]
        reports += [
            (f"Funnel: {funnel.name}", reverse("shared_funnel", args=[token, funnel.pk]))
            for funnel in site.funnels.all()
        ]
        reports += [
            (
                f"Experiment: {experiment.name}",
                reverse("shared_experiment", args=[token, experiment.pk]),
            )
            for experiment in site.experiments.all()
        ]
        return reports

    def panel_url(self, dimension: str) -> str:
        # Inside another site's frame the dashboard stays one page.
        return "" if self.embed else reverse("shared_panel", args=[self.link.token, dimension])


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
class SharedDashboardEmbedView(SharedDashboardView):
    """The same dashboard without our header and footer, allowed inside any site's iframe."""

    embed = True
