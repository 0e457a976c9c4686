"""API tokens in the admin: owners see and revoke their own; a new one is shown once."""

from django.contrib import admin, messages

from api.models import ApiToken
from api.services import token_create, token_hash, token_revoke, token_update
from sites.admin import OwnerScopedAdminMixin


@admin.register(ApiToken)
class ApiTokenAdmin(OwnerScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "owner",
        "prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "owner__email")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("owner")
        return tokens if request.user.is_superuser else tokens.filter(owner=request.user)

    def get_fields(self, request, obj=None):
        fields = ["name", "read_only"]
        return [*fields, *self.readonly_fields] if obj else fields

    def save_model(self, request, obj, form, change):
        if change:
            token_update(token=obj, name=obj.name, read_only=obj.read_only)
            return
        token, plain = token_create(owner=request.user, name=obj.name, read_only=obj.read_only)
        obj.pk, obj.key_hash, obj.prefix = token.pk, token_hash(plain), token.prefix
        messages.warning(request, f"Copy this token now, it won't be shown again: {plain}")

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(token=token)
        messages.success(request, f"Revoked {len(tokens)} tokens.")
