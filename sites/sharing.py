"""Shared dashboards: an owner makes secret links to a site's dashboard (optionally with a
password) and revokes them; anyone with a link reads that dashboard, nothing else."""

from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.hashers import check_password
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt

from accounts.ratelimits import rate_limited
from sites.access import site_for
from sites.models import OWNER, SharedLink
from sites.services import shared_link_create, shared_link_revoke
from sites.views import SitePageMixin
from visits.dashboard import DashboardPage

GUESS_RATE = "10/m"  # guesses per link


class SharedLinkForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="Who it is for (optional).")
    password = forms.CharField(
        max_length=128,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Optional. Anyone opening the link must type it.",
    )


class SharedPasswordForm(forms.Form):
    password = forms.CharField(max_length=128, widget=forms.PasswordInput)


class SharingView(SitePageMixin, View):
    """The owner's list of links to one site, and the form that makes a new one."""

    site_role = OWNER

    def get(self, request, pk: int, form=None):
        return render(
            request,
            "sites/sharing.html",
            {
                "site": self.site,
                "title": f"Share {self.site.name}",
                "form": form or SharedLinkForm(),
                "links": [
                    (link, request.build_absolute_uri(link.get_absolute_url()))
                    for link in self.site.shared_links.all()
                ],
            },
            status=400 if form else 200,
        )

    def post(self, request, pk: int):
        form = SharedLinkForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form)
        shared_link_create(site=self.site, **form.cleaned_data)
        messages.success(request, "A new shared link was made: copy it from the list below.")
        return redirect("sites:sharing", pk=self.site.pk)


class SharedLinkRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk: int, link_id: int):
        site = site_for(user=request.user, pk=pk, role=OWNER)
        shared_link_revoke(link=get_object_or_404(SharedLink, pk=link_id, site=site))
        messages.success(request, "The link was revoked: it no longer opens anything.")
        return redirect("sites:sharing", pk=site.pk)


@method_decorator(never_cache, name="dispatch")
class SharedDashboardView(DashboardPage):
    """The read-only dashboard behind a secret link; an unknown or revoked link is a 404."""

    embed = False

    def get_object(self, queryset=None):
        self.link = get_object_or_404(
            SharedLink.objects.select_related("site"), token=self.kwargs["token"]
        )
        return self.link.site

    def _unlocked(self) -> bool:
        return not self.link.has_password or self.request.session.get(self._session_key)

    @property
    def _session_key(self) -> str:
        return f"shared-link-{self.link.pk}"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self._unlocked():
            return self._password_page(SharedPasswordForm())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = SharedPasswordForm(request.POST)
        if rate_limited(
            request=request, group="shared-password", key=self.link.token, rate=GUESS_RATE
        ):
            form.is_valid()
            form.add_error(None, "Too many tries. Wait a minute and try again.")
            return self._password_page(form, status=429)
        if form.is_valid() and check_password(form.cleaned_data["password"], self.link.password):
            request.session[self._session_key] = True
            return redirect(request.get_full_path())
        if form.is_valid():
            form.add_error("password", "That is not the password of this link.")
        return self._password_page(form, status=403)

    def _password_page(self, form, status=200):
        return render(
            self.request,
            "sites/shared_password.html",
            {"form": form, "title": f"{self.object.name}: password", "embed": self.embed},
            status=status,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(shared=True, embed=self.embed, **kwargs)


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
class SharedDashboardEmbedView(SharedDashboardView):
    """The same dashboard without our header and footer, allowed inside any site's iframe."""

    embed = True
