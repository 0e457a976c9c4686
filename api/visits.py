"""A site's visits in the API: read a page at a time, exported, and recorded from a server."""

import json
import logging

from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, RANGE_PARAMETERS, datetime_param, filters_param
from api.schema import SCOPES_NOTE
from api.serializers import EventResultSerializer, EventSerializer, VisitSerializer
from visits.downloads import csv_lines, download_response
from visits.ingest.accept import hit_accept
from visits.ingest.parse import BeaconError, hit_build
from visits.selectors import CSV_COLUMNS, visit_csv_rows
from visits.stats.filters import visits_matching

logger = logging.getLogger(__name__)


class StorageUnavailable(APIException):
    # The beacon's answer for the same case: the event is not stored and may be sent again.
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Temporarily unavailable, try again later."
    default_code = "unavailable"


class VisitCursorPagination(CursorPagination):
    ordering = ("-timestamp", "-id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class SiteVisitsMixin:
    """Actions of `SiteViewSet`; `get_object` finds the site with the role it needs."""

    def _visits(self, site):
        params = self.request.query_params
        visits = visits_matching(site=site, filters=filters_param(site, params))
        since, until = (
            datetime_param(params.get("since"), "since"),
            datetime_param(params.get("until"), "until"),
        )
        if since:
            visits = visits.filter(timestamp__gte=since)
        if until:
            visits = visits.filter(timestamp__lt=until)
        return visits

    @extend_schema(
        summary="Visits, newest first, a page at a time (cursor)",
        description="Scope `read`." + SCOPES_NOTE,
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
        description="Scope `read`." + SCOPES_NOTE,
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
        rows = visit_csv_rows(visits=self._visits(site), props_as_text=kind == "csv")
        if kind == "csv":
            body, content_type = csv_lines(header=CSV_COLUMNS, rows=rows), "text/csv; charset=utf-8"
        else:
            body = (json.dumps(dict(zip(CSV_COLUMNS, row, strict=True))) + "\n" for row in rows)
            content_type = "application/x-ndjson"
        return download_response(
            body, filename=f"visits-site-{site.pk}.{kind}", content_type=content_type
        )

    @extend_schema(
        summary="Record a visit or event from your server",
        description="Scope `ingest` (the only endpoint an ingest-only token may use)."
        + SCOPES_NOTE,
        request=EventSerializer,
        responses={
            202: EventResultSerializer,
            400: OpenApiResponse(description="unusable input, or a page off the site"),
            403: OpenApiResponse(description="a token without `ingest`, or a viewer's"),
            503: OpenApiResponse(description="not stored: the database or spool is unavailable"),
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
                revenue=data["revenue"],
            )
            skipped = hit_accept(site=site, hit=hit)
        except BeaconError as error:
            raise ValidationError({"url": [error.message]}) from error
        except (DatabaseError, OSError) as error:
            logger.exception("API events: the visit could not be stored")
            raise StorageUnavailable from error
        return Response(
            {"stored": not skipped, "skipped": skipped},
            status=status.HTTP_202_ACCEPTED,
        )
