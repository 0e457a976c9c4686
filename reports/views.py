"""Subscribing people to a site's emails (owners and managers choose anyone; viewers only
themselves), and unsubscribing from an email (anyone with its link)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from reports.models import Subscription
from reports.services import subscription_create, subscription_delete
from sites.access import SiteMixin
from sites.models import Role
from sites.selectors import role_allows


class SiteSegmentsFormMixin:
    """The digest's segment is one of this site's (the form is given the site)."""

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = site.segments.order_by("name", "id")
        self.fields["segment"].empty_label = _("All visits")


class SubscriptionForm(SiteSegmentsFormMixin, forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ("email", "frequency", "alerts", "segment")


class OwnSubscriptionForm(SiteSegmentsFormMixin, forms.ModelForm):
    """A viewer's: the digest and alerts for their own account only."""

    class Meta:
        model = Subscription
        fields = ("frequency", "alerts", "segment")


def _subscriptions_visible(site, user):
    """Managers and owners see and manage every recipient; viewers only their account's (never
    by address: an address is what anyone can type)."""
    subscriptions = site.subscriptions.select_related("user", "segment").annotate(
        address=Coalesce("user__email", "email")
    )
    if role_allows(role=site.user_role, needed=Role.MANAGER):
        return subscriptions, SubscriptionForm
    return subscriptions.filter(user=user), OwnSubscriptionForm


class SubscriptionsView(SiteMixin, View):
    site_role = Role.VIEWER

    def get(self, request, pk: int, form=None):
        subscriptions, form_class = _subscriptions_visible(self.site, request.user)
        return render(
            request,
            "reports/subscriptions.html",
            {
                "site": self.site,
                "title": _("Email reports for %(site)s") % {"site": self.site.name},
                "subscriptions": subscriptions.order_by("address"),
                "own_only": form_class is OwnSubscriptionForm,
                "form": form or form_class(initial={"email": request.user.email}, site=self.site),
            },
            status=400 if form else 200,
        )

    def post(self, request, pk: int):
        _subscriptions, form_class = _subscriptions_visible(self.site, request.user)
        form = form_class(request.POST, site=self.site)
        if form.is_valid():
            # A viewer's form has no address: they subscribe their account.
            recipient = {} if "email" in form.cleaned_data else {"user": request.user}
            try:
                subscription = subscription_create(site=self.site, **recipient, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(recipient)s will get the reports.")
                    % {"recipient": subscription.recipient},
                )
                return redirect("reports:subscriptions", pk=self.site.pk)
        return self.get(request, pk, form=form)


class SubscriptionDeleteView(SiteMixin, View):
    site_role = Role.VIEWER

    def post(self, request, pk: int, subscription_id: int):
        subscriptions, _form_class = _subscriptions_visible(self.site, request.user)
        subscription_delete(subscription=get_object_or_404(subscriptions, pk=subscription_id))
        messages.success(request, _("Removed."))
        return redirect("reports:subscriptions", pk=self.site.pk)


# The token is the only credential, and mail clients send one-click POSTs (RFC 8058) without
# any cookie: no CSRF token to check. A GET only asks, since link scanners follow links.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    def _subscription(self, token: str) -> Subscription:
        return get_object_or_404(Subscription.objects.select_related("site", "user"), token=token)

    def get(self, request, token: str):
        subscription = self._subscription(token)
        return render(
            request,
            "reports/unsubscribe.html",
            {"subscription": subscription, "title": _("Unsubscribe"), "done": False},
        )

    def post(self, request, token: str):
        subscription = self._subscription(token)
        subscription_delete(subscription=subscription)
        return render(
            request,
            "reports/unsubscribe.html",
            {"subscription": subscription, "title": _("Unsubscribed"), "done": True},
        )
