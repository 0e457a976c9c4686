"""Reads for sites. Every query for a user's sites starts from `site_queryset_for`: the one place
that says who may see a site (its owner, its team, superusers) and with which role."""

from datetime import date

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When

from accounts.models import User
from sites.models import OWNER, ROLE_RANK, Annotation, Membership, Role, Site


def role_allows(*, role: str | None, needed: str) -> bool:
    """Whether `role` (the user's role on a site, None for none) may do what `needed` may."""
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[needed]


def site_queryset_for(*, user: User, role: str = Role.VIEWER) -> QuerySet[Site]:
    """The sites a user may open with at least `role`, each annotated with `user_role`:
    their own ("owner"), those whose team they are on, or every site for a superuser."""
    if not user.is_authenticated:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.annotate(user_role=Value(OWNER, output_field=CharField()))
    member_roles = [choice for choice in Role if role_allows(role=choice, needed=role)]
    shared = Membership.objects.filter(user=user, role__in=member_roles).values("site_id")
    team_role = Membership.objects.filter(site=OuterRef("pk"), user=user).values("role")[:1]
    return Site.objects.filter(Q(owner=user) | Q(pk__in=shared)).annotate(
        user_role=Case(
            When(owner=user, then=Value(OWNER)),
            default=Subquery(team_role),
            output_field=CharField(),
        )
    )


def site_list_for(*, user: User) -> QuerySet[Site]:
    """The user's own sites and those shared with them, for the list page. (Superusers see
    everyone's sites in the admin, not here.)"""
    shared = Membership.objects.filter(user=user).values("site_id")
    return (
        site_queryset_for(user=user).filter(Q(owner=user) | Q(pk__in=shared)).order_by("name", "id")
    )


def site_team_for(*, site: Site) -> QuerySet[Membership]:
    return site.memberships.select_related("user").order_by("user__email")


def site_role_of(*, user: User, site_id: int) -> str | None:
    """The user's role on one site ("owner", "manager", "viewer"), or None for a stranger."""
    return (
        site_queryset_for(user=user).filter(pk=site_id).values_list("user_role", flat=True).first()
    )


def annotations_between(*, site: Site, first_day: date, last_day: date) -> QuerySet[Annotation]:
    """A site's notes dated within a period (both days included), oldest first."""
    return site.annotations.filter(day__gte=first_day, day__lte=last_day).order_by("day", "id")


def annotations_of_sites(*, ranges: list[tuple[list[Site], date, date]]) -> QuerySet[Annotation]:
    """The notes of several sites in one query, each group of sites' dated within its own
    first and last day (both included), oldest first."""
    if not ranges:
        return Annotation.objects.none()
    dated = Q()
    for sites, first_day, last_day in ranges:
        dated |= Q(site__in=sites, day__gte=first_day, day__lte=last_day)
    return Annotation.objects.filter(dated).order_by("day", "site_id", "id")
