"""What a token may do: its scopes (403 naming the missing one) and its sites (404 for the
others, as for a stranger: a token limited to one site can't learn which other sites exist)."""

from django.http import Http404
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied

from api.models import INGEST, READ, WRITE, ApiToken


def scope_needed(request, view) -> str:
    """Events are ingest; other reads are read; every other change is write."""
    if getattr(view, "action", None) == "events":
        return INGEST
    return READ if request.method in permissions.SAFE_METHODS else WRITE


class TokenHasScope(permissions.BasePermission):
    """Browser sessions have every scope; a token only those it was given."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        scope = scope_needed(request, view)
        if not token.has_scope(scope):
            raise PermissionDenied(
                {
                    "detail": f"This token lacks the “{scope}” scope.",
                    "missing_scope": scope,
                    "token_scopes": token.scopes,
                }
            )
        return True


def token_site_check(*, request, pk) -> None:
    """404 unless the request's token may use the site `pk` (sessions may use any)."""
    token = request.auth
    if not isinstance(token, ApiToken) or token.all_sites:
        return
    try:
        allowed = token.sites.filter(pk=pk).exists()
    except (ValueError, TypeError):
        allowed = False
    if not allowed:
        raise Http404("No such site.")


def token_sites_filter(*, request, sites):
    """The sites of `sites` that the request's token may use."""
    token = request.auth
    if not isinstance(token, ApiToken) or token.all_sites:
        return sites
    return sites.filter(pk__in=token.sites.values("pk"))


def token_may_add_sites(*, request) -> None:
    """A token limited to some sites can't add one (it couldn't use it afterwards)."""
    token = request.auth
    if isinstance(token, ApiToken) and not token.all_sites:
        raise PermissionDenied(
            {
                "detail": "This token is limited to some sites and can't add one.",
                "missing_scope": "all sites",
            }
        )
