"""Authenticators in the admin, for superusers: who has two-factor login, and a way to turn it
off for someone who lost both phone and recovery codes (deleting removes their codes too).
The secret is never shown; devices are only made from the account page."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import two_factor_disable


class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        two_factor_disable(user=obj.user)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            two_factor_disable(user=device.user)


# In place of django-otp's own admin, which can add devices and show their secrets.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, AuthenticatorAdmin)
