"""The JSON API: sites, their figures, their visits, exports and server-side events.

Every queryset is the token user's (`site_queryset_for`: their sites and their teams'), so
anyone else's site is a 404; a teammate whose role falls short of a write gets a 403.
A token works within its scopes (`api.permissions`: read, write, ingest; else 403) and its
sites (any other is a 404, as for a stranger). The figures come from the same selectors as the
dashboard.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from api.annotations import SiteAnnotationsMixin
from api.conversions import SiteConversionsMixin
from api.figures import SiteFiguresMixin
from api.goals import SiteGoalsMixin
from api.journeys import SiteJourneysMixin
from api.overview import SiteOverviewMixin
from api.performance import SitePerformanceMixin
from api.permissions import token_may_add_sites, token_site_check, token_sites_filter
from api.revenue import SiteRevenueMixin
from api.schema import SCOPES_NOTE
from api.segments import SiteSegmentsMixin
from api.serializers import SiteSerializer
from api.visits import SiteVisitsMixin
from sites.access import site_for
from sites.models import OWNER, Role
from sites.selectors import site_queryset_for
from sites.services import site_create, site_delete, site_update


@extend_schema_view(
    list=extend_schema(
        summary="Your sites", description="Scope `read`; a token's own sites only." + SCOPES_NOTE
    ),
    create=extend_schema(
        summary="Add a site",
        description="Scope `write`, on a token for all sites (else 403)." + SCOPES_NOTE,
    ),
    retrieve=extend_schema(summary="One site", description="Scope `read`." + SCOPES_NOTE),
    update=extend_schema(summary="Change a site", description="Scope `write`." + SCOPES_NOTE),
    partial_update=extend_schema(
        summary="Change some of a site", description="Scope `write`." + SCOPES_NOTE
    ),
    destroy=extend_schema(
        summary="Delete a site and its visits", description="Scope `write`." + SCOPES_NOTE
    ),
)
class SiteViewSet(
    SiteOverviewMixin,
    SiteFiguresMixin,
    SiteGoalsMixin,
    SiteRevenueMixin,
    SitePerformanceMixin,
    SiteAnnotationsMixin,
    SiteSegmentsMixin,
    SiteConversionsMixin,
    SiteJourneysMixin,
    SiteVisitsMixin,
    viewsets.ModelViewSet,
):
    serializer_class = SiteSerializer

    def get_queryset(self):
        sites = site_queryset_for(user=self.request.user)
        return token_sites_filter(request=self.request, sites=sites).order_by("name", "id")

    def get_object(self):
        token_site_check(request=self.request, pk=self.kwargs["pk"])
        site = site_for(user=self.request.user, pk=self.kwargs["pk"], role=self._role_needed())
        self.check_object_permissions(self.request, site)
        return site

    def _role_needed(self) -> str:
        if self.action == "destroy":
            return OWNER
        # Reads are for the whole team; changing the site, its goals, notes, segments, funnels
        # or experiments, or sending it events, is for managers.
        return Role.VIEWER if self.request.method in SAFE_METHODS else Role.MANAGER

    def create(self, request, *args, **kwargs):
        token_may_add_sites(request=request)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = site_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        site = serializer.instance
        retention = serializer.validated_data.get("retention_days", site.retention_days)
        if retention != site.retention_days and site.user_role != OWNER:
            # Retention erases visits: the owner's decision alone.
            raise PermissionDenied(
                f"Only the owner of “{site.name}” may change how long its visits are kept."
            )
        serializer.instance = site_update(site=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        site_delete(site=instance)

    # --- figures -------------------------------------------------------------------------

    # --- goals ---------------------------------------------------------------------------

    # --- visits --------------------------------------------------------------------------
