"""Subscribing people to a site's emails (owners), and unsubscribing from an email (anyone)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from reports.models import Subscription
from reports.services import subscription_create
from sites.access import site_for
from sites.models import Role
from sites.views import SitePageMixin


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ("email", "frequency", "alerts")


class SubscriptionsView(SitePageMixin, View):
    site_role = Role.MANAGER

    def get(self, request, pk: int, form=None):
        return render(
            request,
            "reports/subscriptions.html",
            {
                "site": self.site,
                "title": f"Email reports for {self.site.name}",
                "subscriptions": self.site.subscriptions.order_by("email"),
                "form": form or SubscriptionForm(initial={"email": request.user.email}),
            },
            status=400 if form else 200,
        )

    def post(self, request, pk: int):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                subscription_create(site=self.site, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{form.cleaned_data['email']} will get the reports.")
                return redirect("reports:subscriptions", pk=self.site.pk)
        return self.get(request, pk, form=form)


class SubscriptionDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int, subscription_id: int):
        site = site_for(user=request.user, pk=pk, role=Role.MANAGER)
        get_object_or_404(Subscription, pk=subscription_id, site=site).delete()
        messages.success(request, "Removed.")
        return redirect("reports:subscriptions", pk=site.pk)


# The token is the only credential, and mail clients send one-click POSTs (RFC 8058) without
# any cookie: no CSRF token to check. A GET only asks, since link scanners follow links.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    def get(self, request, token: str):
        subscription = get_object_or_404(Subscription.objects.select_related("site"), token=token)
        return render(
            request,
            "reports/unsubscribe.html",
            {"subscription": subscription, "title": "Unsubscribe", "done": False},
        )

    def post(self, request, token: str):
        subscription = get_object_or_404(Subscription.objects.select_related("site"), token=token)
        subscription.delete()
        return render(
            request,
            "reports/unsubscribe.html",
            {"subscription": subscription, "title": "Unsubscribed", "done": True},
        )
