"""A site's journeys in the API: the most common paths from an entry page or towards an exit
page, for a period and filters, as the journeys page shows them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, PERIOD_PARAMETERS
from api.schema import SCOPES_NOTE
from api.serializers import PeriodSerializer
from visits.stats.filters import stats_filters_from
from visits.stats.journeys import (
    DEFAULT_STEPS,
    MAX_STEPS,
    MIN_STEPS,
    TOP_PATHS,
    JourneyError,
    journey_params,
    journey_report,
)

JOURNEY_PARAMETERS = [
    OpenApiParameter(
        "entry", str, description="a path starting with /: the visits that started there"
    ),
    OpenApiParameter(
        "exit", str, description="a path starting with /: the visits that ended there (not both)"
    ),
    OpenApiParameter(
        "steps",
        int,
        description=f"pages per path, {MIN_STEPS} to {MAX_STEPS}; default {DEFAULT_STEPS}",
    ),
]


class JourneyRowSerializer(serializers.Serializer):
    pages = serializers.ListField(child=serializers.CharField(), help_text="the path, in order")
    visitors = serializers.IntegerField(help_text="distinct per day, summed over the days")
    visits = serializers.IntegerField()
    share = serializers.FloatField(help_text="percent of the visits considered")


class JourneyReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    filters = serializers.DictField(child=serializers.CharField())
    entry = serializers.CharField(source="params.entry")
    exit = serializers.CharField(source="params.exit")
    steps = serializers.IntegerField(source="params.steps")
    visits = serializers.IntegerField(
        source="report.visits", help_text="visits that started at the entry (ended at the exit)"
    )
    paths = JourneyRowSerializer(many=True, source="report.rows")


class SiteJourneysMixin:
    """An action of `SiteViewSet`: the whole team reads it."""

    @extend_schema(
        summary="The most common paths through the site",
        description=f"The {TOP_PATHS} most common paths of {MIN_STEPS} to {MAX_STEPS} pages "
        "within one visit (a 30-minute pause or midnight in the site's time zone ends it), from "
        "the `entry` page (visits' first pages) or towards the `exit` page (their last pages). "
        "A reload is one step; a visit with fewer pages counts as its own shorter path. "
        "Bad `entry`, `exit` or `steps`: 400. Scope `read`." + SCOPES_NOTE,
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS + JOURNEY_PARAMETERS,
        responses=JourneyReportSerializer,
    )
    @action(detail=True, methods=["get"])
    def journeys(self, request, pk=None):
        site = self.get_object()
        try:
            params = journey_params(request.query_params)
        except JourneyError as error:
            raise ValidationError({"detail": str(error)}) from error
        period, filters = self._period(site), stats_filters_from(request.query_params)
        report = journey_report(site=site, period=period, filters=filters, params=params)
        return Response(
            JourneyReportSerializer(
                {"period": period, "filters": filters, "params": params, "report": report}
            ).data
        )
