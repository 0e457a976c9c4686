"""Reaching a site through a shared link: the link by its token (unknown or revoked: 404) and
whether this browser has unlocked it, for the shared dashboard and the reports it links to."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from sites.models import SharedLink


class SharedLinkMixin:
    """A read-only page of the site behind `token`, as `self.site`. A link with a password the
    browser has not given yet sends the visitor to the shared dashboard, which asks for it."""

    shared = True

    def shared_link(self) -> SharedLink:
        self.link = get_object_or_404(
            SharedLink.objects.select_related("site"), token=self.kwargs["token"]
        )
        self.site = self.link.site
        return self.link

    @property
    def unlock_key(self) -> str:
        """The session key that marks the link as unlocked in this browser."""
        return f"shared-link-{self.link.pk}"

    def unlocked(self) -> bool:
        return not self.link.has_password or bool(self.request.session.get(self.unlock_key))

    def dispatch(self, request, *args, **kwargs):
        if not getattr(self, "handles_password", False):
            self.shared_link()
            if not self.unlocked():
                return redirect("shared_dashboard", token=self.link.token)
        return super().dispatch(request, *args, **kwargs)

    def dashboard_url(self) -> str:
        return reverse("shared_dashboard", args=[self.link.token])
