"""API tokens in the admin: owners see and revoke their own; a new one is shown once."""

from django import forms
from django.contrib import admin, messages

from api.models import SCOPE_FIELDS, ApiToken
from api.services import token_create, token_hash, token_revoke, token_update
from sites.admin import OwnerScopedAdminMixin
from sites.selectors import site_list_for


class ApiTokenAdminForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name", *SCOPE_FIELDS.values(), "all_sites", "sites")
        widgets = {"sites": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_sites") and not cleaned.get("sites"):
            self.add_error("sites", "Choose at least one site, or tick “all sites”.")
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    form = ApiTokenAdminForm
    list_display = (
        "name",
        "owner",
        "prefix",
        "can_read",
        "can_write",
        "can_ingest",
        "all_sites",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (
        "can_read",
        "can_write",
        "can_ingest",
        "all_sites",
        ("revoked_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "prefix", "owner__email", "sites__name")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("owner")
        return tokens if request.user.is_superuser else tokens.filter(owner=request.user)

    def get_fields(self, request, obj=None):
        fields = ["name", *SCOPE_FIELDS.values(), "all_sites", "sites"]
        return [*fields, *self.readonly_fields] if obj else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The sites the token's owner can open (a superuser editing someone's token sees theirs).
        form.base_fields["sites"].queryset = site_list_for(user=obj.owner if obj else request.user)
        return form

    def save_model(self, request, obj, form, change):
        scopes = [scope for scope, field in SCOPE_FIELDS.items() if form.cleaned_data[field]]
        sites = None if obj.all_sites else list(form.cleaned_data["sites"])
        if change:
            token_update(token=obj, name=obj.name, scopes=scopes, sites=sites)
            return
        token, plain = token_create(owner=request.user, name=obj.name, scopes=scopes, sites=sites)
        obj.pk, obj.key_hash, obj.prefix = token.pk, token_hash(plain), token.prefix
        messages.warning(request, f"Copy this token now, it won't be shown again: {plain}")

    def save_related(self, request, form, formsets, change):
        # The services above have set the token's sites; the form must not set them again.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(token=token)
        messages.success(request, f"Revoked {len(tokens)} tokens.")
