"""`{% two_factor_status user as status %}`: whether the account has two-factor login on, and
how many recovery codes it has left, for the account page."""

from django import template

from accounts.two_factor import recovery_codes_left, two_factor_enabled

register = template.Library()


@register.simple_tag
def two_factor_status(user) -> dict:
    enabled = two_factor_enabled(user=user)
    return {"enabled": enabled, "codes_left": recovery_codes_left(user=user) if enabled else 0}
