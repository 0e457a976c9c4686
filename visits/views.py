"""The beacon, the owner's visit list and CSV export, and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from sites.models import Site
from sites.selectors import site_queryset_for
from visits.agents import agent_parse
from visits.beacon import BODY_MAX_BYTES, BeaconError, beacon_parse
from visits.csv_export import csv_lines
from visits.geo import geolocator
from visits.selectors import CSV_COLUMNS, visit_csv_rows, visit_list_for
from visits.services import visit_record

logger = logging.getLogger(__name__)

_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
    "Cache-Control": "no-store",
}


def _answer(status: int, error: str = "", **headers: str) -> HttpResponse:
    response = (
        JsonResponse({"error": error}, status=status) if error else HttpResponse(status=status)
    )
    for name, value in {**_CORS_HEADERS, **headers}.items():
        response[name] = value
    return response


@csrf_exempt
def beacon(request, site_id: int):
    """Record one visit: 204 when accepted, a 4xx with a JSON error when the input is unusable."""
    if request.method == "OPTIONS":
        return _answer(204)
    if request.method not in ("GET", "POST"):
        return _answer(405, "Use GET or POST.", Allow="GET, POST, OPTIONS")
    declared_length = _declared_length(request)
    if declared_length is None:
        return _answer(400, "The Content-Length header is not a number.")
    if declared_length > BODY_MAX_BYTES:
        return _answer(413, f"The body is larger than {BODY_MAX_BYTES} bytes.")
    try:
        site = Site.objects.filter(pk=site_id).only("id", "timezone").first()
    except DatabaseError:
        logger.exception("Beacon: the database is unavailable")
        return _answer(503, "Temporarily unavailable, try again later.")
    if site is None:
        return _answer(404, "Unknown site.")
    try:
        is_multipart = request.method == "POST" and request.content_type == "multipart/form-data"
        hit = beacon_parse(
            method=request.method,
            query_string=request.META.get("QUERY_STRING", ""),
            body=request.body if request.method == "POST" and not is_multipart else b"",
            headers=request.META,
            trusted_proxy_count=settings.TRUSTED_PROXY_COUNT,
            respect_dnt=settings.RESPECT_DNT,
            is_bot=lambda user_agent: agent_parse(user_agent).is_bot,
            multipart=request.POST.dict() if is_multipart else None,
        )
    except RequestDataTooBig:
        return _answer(413, "The body is too large.")
    except (MultiPartParserError, TooManyFieldsSent, UnicodeDecodeError):
        return _answer(400, "The multipart body could not be read.")
    except BeaconError as error:
        return _answer(error.status, error.message)
    if hit.skip_reason:
        return _answer(204, **{"X-Visit-Skipped": hit.skip_reason})
    try:
        visit_record(site=site, hit=hit)
    except DatabaseError:
        logger.exception("Beacon: a visit could not be stored")
        return _answer(503, "Temporarily unavailable, try again later.")
    return _answer(204)


def _declared_length(request) -> int | None:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return None


class VisitListView(LoginRequiredMixin, ListView):
    """Every visit of one of the owner's sites, newest first, a page at a time."""

    template_name = "visits/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def get_queryset(self):
        self.site = get_object_or_404(
            site_queryset_for(user=self.request.user), pk=self.kwargs["site_id"]
        )
        return visit_list_for(site=self.site)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site=self.site, title=f"Visits to {self.site.name}", **kwargs
        )


def visits_csv(request, site_id: int):
    """Stream every visit of the owner's site as CSV, in constant memory."""
    site = get_object_or_404(site_queryset_for(user=request.user), pk=site_id)
    filename = f"visits-site-{site.pk}-{timezone.now():%Y%m%d}.csv"
    response = StreamingHttpResponse(
        csv_lines(header=CSV_COLUMNS, rows=visit_csv_rows(site=site)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers; GeoIP state is reported but never makes us unhealthy."""
    database = _database_state()
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "geoip": geolocator.status(),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return "unavailable"
    return "ok"
