from rest_framework import permissions

from api.models import ApiToken


class TokenCanWrite(permissions.BasePermission):
    """Read-only tokens may only read."""

    message = "This token is read-only."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)
