"""The all-sites overview in the API: each of the token's sites with its visitors today and in a
period, the change against the period before and its visitors per day, as on `/sites/`."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.parameters import PERIOD_PARAMETERS
from api.schema import SCOPES_NOTE
from visits.stats.overview import DEFAULT_SORT, SORTS, overview_sorted, site_overview
from visits.stats.periods import PeriodError


class SiteOverviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="site.pk")
    name = serializers.CharField(source="site.name")
    first_day = serializers.DateField(source="period.first_day")
    last_day = serializers.DateField(source="period.last_day")
    today = serializers.IntegerField(help_text="unique visitors today, in the site's time zone")
    visitors = serializers.IntegerField(help_text="unique visitors in the period")
    pageviews = serializers.IntegerField(help_text="pageviews in the period")
    previous = serializers.IntegerField(help_text="unique visitors in the period before")
    change = serializers.IntegerField(
        allow_null=True, help_text="percent change of visitors; null with none before"
    )
    days = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="unique visitors per day, the sparkline's (at least the last 7 days)",
    )


class SiteOverviewMixin:
    """The `overview` list action of `SiteViewSet`."""

    @extend_schema(
        summary="All your sites' visitors at a glance",
        description="Scope `read`; a token's own sites only. Each site's period follows its "
        "time zone. A bad `period` or `sort` is a 400." + SCOPES_NOTE,
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("sort", str, enum=list(SORTS), description=f"default {DEFAULT_SORT}"),
        ],
        responses=SiteOverviewSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def overview(self, request):
        params = request.query_params
        sort = params.get("sort") or DEFAULT_SORT
        if sort not in SORTS:
            raise ValidationError({"sort": [f"Use one of: {', '.join(SORTS)}."]})
        try:
            overviews = site_overview(
                sites=list(self.get_queryset()),
                period_key=params.get("period", ""),
                now=timezone.now(),
                start=params.get("from", ""),
                end=params.get("to", ""),
            )
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from error
        rows = overview_sorted(overviews, sort=sort)
        return Response(SiteOverviewSerializer(rows, many=True).data)
