"""Shared dashboards: an owner makes secret links to a site's dashboard (optionally with a
password) and revokes them; anyone with a link reads that dashboard, nothing else."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sites.access import SiteMixin
from sites.models import OWNER, SharedLink
from sites.services import shared_link_create, shared_link_revoke

PASSWORD_MIN_LENGTH = 8


def _password_help() -> str:
    return _("Optional, at least %(count)s characters. Anyone opening the link must type it.") % {
        "count": PASSWORD_MIN_LENGTH
    }


class SharedLinkForm(forms.Form):
    name = forms.CharField(
        max_length=100, required=False, help_text=gettext_lazy("Who it is for (optional).")
    )
    password = forms.CharField(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=128,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=lazy(_password_help, str)(),
    )


class SharingView(SiteMixin, View):
    """The owner's list of links to one site, and the form that makes a new one."""

    site_role = OWNER

    def get(self, request, pk: int, form=None):
        return render(
            request,
            "sites/sharing.html",
            {
                "site": self.site,
                "title": _("Share %(site)s") % {"site": self.site.name},
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
        messages.success(request, _("A new shared link was made: copy it from the list below."))
        return redirect("sites:sharing", pk=self.site.pk)


class SharedLinkRevokeView(SiteMixin, View):
    site_role = OWNER

    def post(self, request, pk: int, link_id: int):
        shared_link_revoke(link=get_object_or_404(SharedLink, pk=link_id, site=self.site))
        messages.success(request, _("The link was revoked: it no longer opens anything."))
        return redirect("sites:sharing", pk=self.site.pk)
