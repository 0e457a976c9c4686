"""The figures of a site in the API: headline, time series and breakdowns, as on the dashboard."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, PERIOD_PARAMETERS, bounded_int, filters_param
from api.schema import SCOPES_NOTE
from api.serializers import (
    DIMENSION_CHOICES,
    BreakdownRowSerializer,
    PointSerializer,
    StatsSerializer,
)
from visits.stats.breakdowns import visit_breakdown
from visits.stats.dimensions import BREAKDOWNS, PROPERTY
from visits.stats.figures import visit_totals
from visits.stats.periods import PeriodError, period_from_params
from visits.stats.timeseries import visit_timeseries


class SiteFiguresMixin:
    """Actions of `SiteViewSet`; `get_object` finds the site with the role it needs."""

    def _period(self, site):
        try:
            return period_from_params(
                self.request.query_params, tz_name=site.timezone, now=timezone.now()
            )
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from error

    @extend_schema(
        summary="Headline figures and the previous period's",
        description="Scope `read`." + SCOPES_NOTE,
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=StatsSerializer,
    )
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        site = self.get_object()
        period, filters = self._period(site), filters_param(site, request.query_params)
        totals, previous = visit_totals(
            site=site, period=period, filters=filters, now=timezone.now()
        )
        return Response(
            StatsSerializer(
                {"period": period, "filters": filters, "totals": totals, "previous": previous}
            ).data
        )

    @extend_schema(
        summary="Pageviews and visitors per hour (one day) or per day",
        description="Scope `read`." + SCOPES_NOTE,
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=PointSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def timeseries(self, request, pk=None):
        site = self.get_object()
        points = visit_timeseries(
            site=site,
            period=self._period(site),
            filters=filters_param(site, request.query_params),
            now=timezone.now(),
        )
        return Response(PointSerializer(points, many=True).data)

    @extend_schema(
        summary="Top values of one dimension",
        description="Scope `read`." + SCOPES_NOTE,
        parameters=[
            OpenApiParameter("dimension", str, enum=DIMENSION_CHOICES, required=True),
            OpenApiParameter("limit", int, description="1 to 1000, default 10"),
            OpenApiParameter("key", str, description="with dimension=prop: one property only"),
            *PERIOD_PARAMETERS,
            *FILTER_PARAMETERS,
        ],
        responses=BreakdownRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def breakdown(self, request, pk=None):
        site = self.get_object()
        dimension = request.query_params.get("dimension", "")
        if dimension not in BREAKDOWNS:
            raise ValidationError({"dimension": [f"Use one of: {', '.join(BREAKDOWNS)}."]})
        limit = bounded_int(
            request.query_params.get("limit"), default=10, low=1, high=1000, name="limit"
        )
        rows = visit_breakdown(
            site=site,
            period=self._period(site),
            dimension=dimension,
            filters=filters_param(site, request.query_params),
            now=timezone.now(),
            limit=limit,
            property_key=request.query_params.get("key", "") if dimension == PROPERTY else "",
        )
        return Response(BreakdownRowSerializer(rows, many=True).data)
