"""The JSON API: sites, their figures, their visits, exports and server-side events.

Every queryset is the token user's (`site_queryset_for`: their sites and their teams'), so
anyone else's site is a 404; a teammate whose role falls short of a write gets a 403.
The figures come from the same selectors as the dashboard.
"""

import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from api.serializers import (
    DIMENSION_CHOICES,
    BreakdownRowSerializer,
    EventResultSerializer,
    EventSerializer,
    GoalResultSerializer,
    GoalSerializer,
    PointSerializer,
    SiteSerializer,
    StatsSerializer,
    VisitSerializer,
)
from sites.access import site_for
from sites.models import OWNER, Role
from sites.selectors import site_queryset_for
from sites.services import goal_create, goal_delete, site_create, site_delete, site_update
from visits.downloads import csv_lines
from visits.ingest.accept import hit_accept
from visits.ingest.parse import BeaconError, hit_build
from visits.selectors import CSV_COLUMNS, visit_csv_rows
from visits.stats.breakdowns import visit_breakdown
from visits.stats.dimensions import BREAKDOWNS, DIMENSIONS, PROPERTY
from visits.stats.figures import visit_timeseries, visit_totals
from visits.stats.filters import stats_filters_from, visits_matching
from visits.stats.goals import visit_goals
from visits.stats.periods import PeriodError, period_from_params

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        enum=["day", "yesterday", "7d", "30d", "month", "12mo", "custom"],
        description="default 30d; days follow the site's time zone",
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, with period=custom"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, with period=custom"),
]
FILTER_PARAMETERS = [
    *(
        OpenApiParameter(name, str, description=f"only visits with this {name}")
        for name in DIMENSIONS
    ),
    OpenApiParameter(PROPERTY, str, description="only events with this property: key=value"),
]
RANGE_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="visits at or after"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="visits before"),
]


class VisitCursorPagination(CursorPagination):
    ordering = ("-timestamp", "-id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


@extend_schema_view(
    list=extend_schema(summary="Your sites"),
    create=extend_schema(summary="Add a site"),
    retrieve=extend_schema(summary="One site"),
    update=extend_schema(summary="Change a site"),
    partial_update=extend_schema(summary="Change some of a site"),
    destroy=extend_schema(summary="Delete a site and its visits"),
)
class SiteViewSet(viewsets.ModelViewSet):
    serializer_class = SiteSerializer

    def get_queryset(self):
        return site_queryset_for(user=self.request.user).order_by("name", "id")

    def get_object(self):
        site = site_for(user=self.request.user, pk=self.kwargs["pk"], role=self._role_needed())
        self.check_object_permissions(self.request, site)
        return site

    def _role_needed(self) -> str:
        if self.action == "destroy":
            return OWNER
        # Reads are for the whole team; changing the site or its goals, or sending it events,
        # is for managers.
        return Role.VIEWER if self.request.method in SAFE_METHODS else Role.MANAGER

    def perform_create(self, serializer):
        serializer.instance = site_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = site_update(site=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        site_delete(site=instance)

    # --- figures -------------------------------------------------------------------------

    def _period(self, site):
        try:
            return period_from_params(
                self.request.query_params, tz_name=site.timezone, now=timezone.now()
            )
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from error

    @extend_schema(
        summary="Headline figures and the previous period's",
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=StatsSerializer,
    )
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        site = self.get_object()
        period, filters = self._period(site), stats_filters_from(request.query_params)
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
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=PointSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def timeseries(self, request, pk=None):
        site = self.get_object()
        points = visit_timeseries(
            site=site,
            period=self._period(site),
            filters=stats_filters_from(request.query_params),
            now=timezone.now(),
        )
        return Response(PointSerializer(points, many=True).data)

    @extend_schema(
        summary="Top values of one dimension",
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
        limit = _bounded_int(
            request.query_params.get("limit"), default=10, low=1, high=1000, name="limit"
        )
        rows = visit_breakdown(
            site=site,
            period=self._period(site),
            dimension=dimension,
            filters=stats_filters_from(request.query_params),
            now=timezone.now(),
            limit=limit,
            property_key=request.query_params.get("key", "") if dimension == PROPERTY else "",
        )
        return Response(BreakdownRowSerializer(rows, many=True).data)

    # --- goals ---------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The site's goals with their conversions in the period",
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=GoalResultSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a goal",
        request=GoalSerializer,
        responses={201: GoalSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def goals(self, request, pk=None):
        site = self.get_object()
        if request.method == "POST":
            incoming = GoalSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            try:
                goal = goal_create(site=site, **{"kind": "page", **incoming.validated_data})
            except DjangoValidationError as error:
                raise ValidationError(
                    error.message_dict if hasattr(error, "error_dict") else error.messages
                ) from error
            return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)
        period, filters = self._period(site), stats_filters_from(request.query_params)
        now = timezone.now()
        totals, _ = visit_totals(site=site, period=period, filters=filters, now=now)
        rows = visit_goals(
            site=site, period=period, filters=filters, now=now, total_visitors=totals.visitors
        )
        return Response(GoalResultSerializer(rows, many=True).data)

    @extend_schema(summary="Remove a goal", request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"goals/(?P<goal_id>[0-9]+)")
    def goal(self, request, pk=None, goal_id=None):
        site = self.get_object()
        goal_delete(goal=get_object_or_404(site.goals, pk=goal_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- visits --------------------------------------------------------------------------

    def _visits(self, site):
        params = self.request.query_params
        visits = visits_matching(site=site, filters=stats_filters_from(params))
        since, until = (
            _datetime(params.get("since"), "since"),
            _datetime(params.get("until"), "until"),
        )
        if since:
            visits = visits.filter(timestamp__gte=since)
        if until:
            visits = visits.filter(timestamp__lt=until)
        return visits

    @extend_schema(
        summary="Visits, newest first, a page at a time (cursor)",
        parameters=RANGE_PARAMETERS
        + FILTER_PARAMETERS
        + [OpenApiParameter("page_size", int, description="1 to 1000, default 100")],
        responses=VisitSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=VisitCursorPagination)
    def visits(self, request, pk=None):
        site = self.get_object()
        page = self.paginate_queryset(self._visits(site).order_by("-timestamp", "-id"))
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(
        summary="Every visit as CSV or JSON lines, streamed",
        parameters=[
            OpenApiParameter("format", str, enum=["csv", "jsonl"], description="default csv"),
            *RANGE_PARAMETERS,
            *FILTER_PARAMETERS,
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        site = self.get_object()
        kind = request.query_params.get("format", "csv")
        if kind not in ("csv", "jsonl"):
            raise ValidationError({"format": ["Use csv or jsonl."]})
        rows = visit_csv_rows(visits=self._visits(site))
        if kind == "csv":
            body, content_type = csv_lines(header=CSV_COLUMNS, rows=rows), "text/csv; charset=utf-8"
        else:
            body = (json.dumps(dict(zip(CSV_COLUMNS, row, strict=True))) + "\n" for row in rows)
            content_type = "application/x-ndjson"
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="visits-site-{site.pk}.{kind}"'
        return response

    @extend_schema(
        summary="Record a visit or event from your server",
        request=EventSerializer,
        responses={
            202: EventResultSerializer,
            400: OpenApiResponse(description="unusable input, or a page off the site"),
        },
    )
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        site = self.get_object()
        incoming = EventSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            hit = hit_build(
                url=data["url"],
                referrer=data["referrer"],
                event=data["event"],
                user_agent=data["user_agent"],
                client_ip=data["ip"],
                props=data["props"],
            )
            skipped = hit_accept(site=site, hit=hit)
        except BeaconError as error:
            raise ValidationError({"url": [error.message]}) from error
        return Response(
            {"stored": not skipped, "skipped": skipped},
            status=status.HTTP_202_ACCEPTED,
        )


def _bounded_int(raw: str | None, *, default: int, low: int, high: int, name: str) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ValidationError({name: ["Must be a whole number."]}) from error
    if not low <= value <= high:
        raise ValidationError({name: [f"Must be between {low} and {high}."]})
    return value


def _datetime(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    field = drf_serializers.DateTimeField()
    try:
        return field.to_internal_value(raw)
    except drf_serializers.ValidationError as error:
        raise ValidationError({name: error.detail}) from error
