"""A site's team: the owner invites people by email as viewers or managers, changes their role
and removes them; the invited accept by link; a teammate may leave."""

import logging
from smtplib import SMTPException
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.ratelimits import rate_limited
from sites.access import SiteMixin
from sites.models import OWNER, Invitation, Membership, Role
from sites.selectors import site_team_for
from sites.services import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_send,
    membership_remove,
    membership_role_change,
)

logger = logging.getLogger(__name__)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), help_text=_("They log in, or sign up, with this address.")
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.VIEWER,
        help_text=_(
            "Viewers read the dashboard and the visits; managers also edit the site, "
            "its goals and its email reports."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TeamView(SiteMixin, View):
    """The owner's page of members and invitations, and the form that invites."""

    site_role = OWNER

    def get(self, request, pk: int, form=None):
        return render(
            request,
            "sites/team.html",
            {
                "site": self.site,
                "title": gettext("Team of %(site)s") % {"site": self.site.name},
                "members": site_team_for(site=self.site),
                "invitations": [
                    (invitation, request.build_absolute_uri(invitation.get_absolute_url()))
                    for invitation in self.site.invitations.order_by("email")
                ],
                "roles": Role.choices,
                "now": timezone.now(),
                "form": form or InvitationForm(),
            },
            status=400 if form else 200,
        )

    def post(self, request, pk: int):
        form = InvitationForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form)
        limit = settings.INVITE_RATE_LIMIT
        if rate_limited(request=request, group="invite", key=str(request.user.pk), rate=limit):
            form.add_error(
                None,
                gettext("You have sent many invitations lately (%(limit)s); try later.")
                % {"limit": limit},
            )
            response = self.get(request, pk, form=form)
            response.status_code = 429
            return response
        try:
            invitation = invitation_create(
                site=self.site, invited_by=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
            return self.get(request, pk, form=form)
        try:
            invitation_send(invitation=invitation)
        except (SMTPException, OSError):
            logger.exception("Could not email the invitation %s", invitation.pk)
            messages.warning(
                request,
                gettext(
                    "The email to %(email)s could not be sent: copy the invitation's link from "
                    "the list and send it yourself."
                )
                % {"email": invitation.email},
            )
        else:
            messages.success(
                request,
                gettext("%(email)s was invited; the link works 7 days.")
                % {"email": invitation.email},
            )
        return redirect("sites:team", pk=self.site.pk)


class MemberRoleView(SiteMixin, View):
    site_role = OWNER

    def post(self, request, pk: int, member_id: int):
        membership = get_object_or_404(Membership, pk=member_id, site=self.site)
        form = RoleForm(request.POST)
        if form.is_valid():
            membership_role_change(membership=membership, role=form.cleaned_data["role"])
            messages.success(
                request,
                gettext("%(email)s is now a %(role)s.")
                % {"email": membership.user.email, "role": membership.get_role_display()},
            )
        else:
            messages.error(request, gettext("Choose viewer or manager."))
        return redirect("sites:team", pk=self.site.pk)


class MemberRemoveView(SiteMixin, View):
    site_role = OWNER

    def post(self, request, pk: int, member_id: int):
        membership = get_object_or_404(Membership, pk=member_id, site=self.site)
        membership_remove(membership=membership)
        messages.success(
            request,
            gettext("%(email)s was removed from the team.") % {"email": membership.user.email},
        )
        return redirect("sites:team", pk=self.site.pk)


class InvitationCancelView(SiteMixin, View):
    site_role = OWNER

    def post(self, request, pk: int, invitation_id: int):
        invitation = get_object_or_404(Invitation, pk=invitation_id, site=self.site)
        invitation_cancel(invitation=invitation)
        messages.success(
            request,
            gettext("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
        )
        return redirect("sites:team", pk=self.site.pk)


class TeamLeaveView(LoginRequiredMixin, View):
    """A teammate takes themselves off a site's team."""

    def post(self, request, pk: int):
        membership = get_object_or_404(Membership, site_id=pk, user=request.user)
        site_name = membership.site.name
        membership_remove(membership=membership)
        messages.success(
            request, gettext("You left the team of “%(site_name)s”.") % {"site_name": site_name}
        )
        return redirect("sites:list")


class InvitationView(View):
    """The link in an invitation email. Anyone may open it; joining needs the invited
    address's account. GET only shows (mail scanners follow links); POST joins."""

    def _page(self, request, invitation, *, status=200, problem=""):
        login_url = reverse("accounts:login") + "?" + _next(request)
        register_url = reverse("accounts:register") + "?" + _next(request, email=invitation.email)
        return render(
            request,
            "sites/invitation.html",
            {
                "title": gettext("Join the team of %(site)s") % {"site": invitation.site.name},
                "invitation": invitation,
                "problem": problem,
                "login_url": login_url,
                "register_url": register_url,
            },
            status=status,
        )

    def _invitation(self, token: str) -> Invitation:
        invitations = Invitation.objects.select_related("site", "invited_by")
        return get_object_or_404(invitations, token=token)

    def get(self, request, token: str):
        invitation = self._invitation(token)
        if invitation.expires_at <= timezone.now():
            return self._page(request, invitation, status=410, problem="expired")
        return self._page(request, invitation)

    def post(self, request, token: str):
        invitation = self._invitation(token)
        if not request.user.is_authenticated:
            return self._page(request, invitation, status=403)
        try:
            membership = invitation_accept(
                invitation=invitation, user=request.user, now=timezone.now()
            )
        except ValidationError as error:
            return self._page(request, invitation, status=403, problem=" ".join(error.messages))
        messages.success(
            request,
            gettext("You joined the team of “%(site)s” as a %(role)s.")
            % {"site": membership.site.name, "role": membership.get_role_display()},
        )
        return redirect(membership.site)


def _next(request, **extra) -> str:
    return urlencode({"next": request.path, **extra})
