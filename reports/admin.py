"""Webhooks in the admin: a site's managers and owner see, add and change their endpoints, with
each one's last delivery; the secret is made on creation and never typed."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reports.models import Webhook
from reports.webhooks import webhook_create, webhook_url_check
from sites.admin import OwnerScopedAdminMixin
from sites.models import Role
from sites.selectors import site_queryset_for


class WebhookAdminForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2048,
        assume_scheme="https",
        help_text=Webhook.url.field.help_text,
    )

    class Meta:
        model = Webhook
        fields = ("site", "kind", "url", "frequency", "alerts")

    def clean_url(self):
        url = self.cleaned_data["url"]
        webhook_url_check(url)
        return url


@admin.register(Webhook)
class WebhookAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    form = WebhookAdminForm
    list_display = (
        "site",
        "kind",
        "url",
        "frequency",
        "alerts",
        "last_status",
        "last_response_code",
        "last_delivery_at",
    )
    list_filter = ("kind", "last_status", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("url", "site__name")
    list_select_related = ("site",)
    readonly_fields = (
        "secret",
        "last_status",
        "last_response_code",
        "last_error",
        "last_attempts",
        "last_delivery_at",
        "last_period_sent",
        "created_at",
    )

    def get_queryset(self, request):
        sites = site_queryset_for(user=request.user, role=Role.MANAGER)
        return super().get_queryset(request).filter(site__in=sites)

    def get_fields(self, request, obj=None):
        fields = ["site", "kind", "url", "frequency", "alerts"]
        return [*fields, *self.readonly_fields] if obj else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            kwargs["queryset"] = site_queryset_for(user=request.user, role=Role.MANAGER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        webhook = webhook_create(
            site=data["site"],
            kind=data["kind"],
            url=data["url"],
            frequency=data["frequency"],
            alerts=data["alerts"],
        )
        obj.pk, obj.secret, obj.created_at = webhook.pk, webhook.secret, webhook.created_at
