"""Reads for sites. Every owner-facing query starts from `site_queryset_for`."""

from django.db.models import Count, QuerySet

from accounts.models import User
from sites.models import Site


def site_queryset_for(*, user: User) -> QuerySet[Site]:
    """The sites a user may open: their own, or every site for a superuser."""
    if not user.is_authenticated:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(owner=user)


def site_list_for(*, owner: User) -> QuerySet[Site]:
    """An owner's own sites with their visit counts, for the list page."""
    return Site.objects.filter(owner=owner).annotate(visit_count=Count("visits")).order_by("name")
