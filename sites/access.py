"""Finding a site for a request, with the role the action needs: `site_for` and, for pages,
`SiteMixin`.

A stranger gets a 404 (the site does not exist for them); a teammate whose role falls short
gets a 403 that says which role is needed. Pages and API come through here; the admin through
`site_queryset_for`, which this stands on.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
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
    if not role_allows(role=site.user_role, needed=role):
        needed = "the owner" if role == OWNER else f"{ROLE_NAMES[role]} or the owner"
        raise PermissionDenied(
            f"Only {needed} of “{site.name}” may do this; you are {ROLE_NAMES[site.user_role]}."
        )
    return site


class SiteMixin(LoginRequiredMixin):
    """A page about one of the user's sites (`pk` or `site_id` in the URL), as `self.site` and
    as a generic view's object, needing at least `site_role`."""

    site_role = Role.VIEWER

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            pk = kwargs["site_id"] if "site_id" in kwargs else kwargs["pk"]
            self.site = site_for(user=request.user, pk=pk, role=self.site_role)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.site
