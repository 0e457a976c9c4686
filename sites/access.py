"""Finding a site for a request, with the role the action needs.

A stranger gets a 404 (the site does not exist for them); a teammate whose role falls short
gets a 403 that says which role is needed. Pages, admin and API all come through here or
through `site_queryset_for`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from sites.models import OWNER, Role, Site
from sites.selectors import role_allows, site_queryset_for

ROLE_NAMES = {Role.VIEWER: "a viewer", Role.MANAGER: "a manager", OWNER: "the owner"}


def site_for(*, user: User, pk, role: str = Role.VIEWER) -> Site:
    try:
        site = site_queryset_for(user=user).get(pk=pk)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404("No such site.") from None
    role_require(site=site, role=role)
    return site


def role_require(*, site: Site, role: str) -> None:
    """Refuse (403) unless the annotated `site.user_role` allows `role`."""
    if not role_allows(role=site.user_role, needed=role):
        needed = "the owner" if role == OWNER else f"{ROLE_NAMES[role]} or the owner"
        raise PermissionDenied(
            f"Only {needed} of “{site.name}” may do this; you are {ROLE_NAMES[site.user_role]}."
        )
