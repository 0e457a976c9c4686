"""A site's webhooks and Slack endpoints (managers and owners): add one, see each one's last
delivery and signing secret, send a test, remove one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from reports.models import Webhook
from reports.webhooks import webhook_create, webhook_delete, webhook_deliver
from sites.access import SiteMixin
from sites.models import Role


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=2048,
        assume_scheme="https",
        help_text=Webhook.url.field.help_text,
    )

    class Meta:
        model = Webhook
        fields = ("kind", "url", "frequency", "alerts")


class WebhooksView(SiteMixin, View):
    site_role = Role.MANAGER

    def get(self, request, pk: int, form=None):
        return render(
            request,
            "reports/webhooks.html",
            {
                "site": self.site,
                "title": _("Webhooks and Slack for %(site)s") % {"site": self.site.name},
                "webhooks": self.site.webhooks.order_by("created_at", "pk"),
                "form": form or WebhookForm(),
            },
            status=400 if form else 200,
        )

    def post(self, request, pk: int):
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                webhook_create(site=self.site, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The endpoint will get the reports."))
                return redirect("reports:webhooks", pk=self.site.pk)
        return self.get(request, pk, form=form)


class WebhookDeleteView(SiteMixin, View):
    site_role = Role.MANAGER

    def post(self, request, pk: int, webhook_id: int):
        webhook_delete(webhook=get_object_or_404(self.site.webhooks, pk=webhook_id))
        messages.success(request, _("Removed."))
        return redirect("reports:webhooks", pk=self.site.pk)


class WebhookTestView(SiteMixin, View):
    """Send a `test` event now, so the owner sees the endpoint answer before the next report."""

    site_role = Role.MANAGER

    def post(self, request, pk: int, webhook_id: int):
        webhook = get_object_or_404(self.site.webhooks, pk=webhook_id)
        text = f"*{self.site.name}*: a test from Tracker. Digests and alerts will arrive here."
        payload = (
            {"text": text}
            if webhook.kind == Webhook.Kind.SLACK
            else {
                "event": "test",
                "site": {"id": self.site.pk, "name": self.site.name},
                "at": timezone.now().isoformat(),
                "text": text,
            }
        )
        if webhook_deliver(webhook=webhook, payload=payload):
            messages.success(request, _("Delivered."))
        else:
            messages.error(
                request, _("Not delivered: %(last_error)s.") % {"last_error": webhook.last_error}
            )
        return redirect("reports:webhooks", pk=self.site.pk)
