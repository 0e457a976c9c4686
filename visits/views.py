"""The beacon, the owner's visit list and CSV export, and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, IntegrityError, connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from accounts.addresses import request_address
from accounts.ratelimits import rate_limited
from sites.selectors import site_queryset_for
from visits.agents import agent_parse
from visits.beacon import BODY_MAX_BYTES, BeaconError, BeaconHit, beacon_parse, page_on_site
from visits.csv_export import csv_lines
from visits.geo import geolocator
from visits.selectors import CSV_COLUMNS, visit_csv_rows, visit_list_for, visit_page_list_for
from visits.services import visit_record
from visits.site_cache import beacon_site, beacon_site_forget

logger = logging.getLogger(__name__)

_CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
    "Cache-Control": "no-store",
}


def _answer(status: int, error: str = "", **headers: str) -> HttpResponse:
    if status == 405:
        headers["Allow"] = "GET, POST, OPTIONS"
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
    address = request_address(request) or "unknown"
    if rate_limited(request=request, group="beacon", key=address, rate=settings.BEACON_RATE_LIMIT):
        return _answer(
            429, "Too many visits from your address; slow down.", **{"Retry-After": "60"}
        )
    try:
        hit = _hit_from(request)
        site = beacon_site(site_id=site_id)
        if site is None:
            return _answer(404, "Unknown site.")
        if not page_on_site(
            url=hit.url, domains=site.domains, allow_localhost=site.allow_localhost
        ):
            return _answer(400, "This page is not on the site's domains.")
        if hit.skip_reason:
            return _answer(204, **{"X-Visit-Skipped": hit.skip_reason})
        visit_record(site=site, hit=hit)
    except BeaconError as error:
        return _answer(error.status, error.message)
    except IntegrityError:
        beacon_site_forget(site_id=site_id)  # deleted since we cached it
        return _answer(404, "Unknown site.")
    except DatabaseError:
        logger.exception("Beacon: the database is unavailable")
        return _answer(503, "Temporarily unavailable, try again later.")
    return _answer(204)


def _hit_from(request) -> BeaconHit:
    """The request as a BeaconHit, or BeaconError with the status to answer."""
    if request.method not in ("GET", "POST"):
        raise BeaconError("Use GET or POST.", status=405)
    try:
        declared_length = max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError as exc:
        raise BeaconError("The Content-Length header is not a number.") from exc
    if declared_length > BODY_MAX_BYTES:
        raise BeaconError(f"The body is larger than {BODY_MAX_BYTES} bytes.", status=413)
    is_multipart = request.method == "POST" and request.content_type == "multipart/form-data"
    try:
        return beacon_parse(
            method=request.method,
            query_string=request.META.get("QUERY_STRING", ""),
            body=request.body if request.method == "POST" and not is_multipart else b"",
            headers=request.META,
            trusted_proxy_count=settings.TRUSTED_PROXY_COUNT,
            respect_dnt=settings.RESPECT_DNT,
            is_bot=lambda user_agent: agent_parse(user_agent).is_bot,
            multipart=request.POST.dict() if is_multipart else None,
        )
    except RequestDataTooBig as exc:
        raise BeaconError("The body is too large.", status=413) from exc
    except (MultiPartParserError, TooManyFieldsSent, UnicodeDecodeError) as exc:
        raise BeaconError("The multipart body could not be read.") from exc


class VisitListView(LoginRequiredMixin, ListView):
    """Every visit of one of the owner's sites, newest first, a page at a time."""

    template_name = "visits/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def get_queryset(self):
        self.site = get_object_or_404(
            site_queryset_for(user=self.request.user), pk=self.kwargs["site_id"]
        )
        return visit_page_list_for(site=self.site)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site=self.site, title=f"Visits to {self.site.name}", **kwargs
        )


def visits_csv(request, site_id: int):
    """Stream every visit of the owner's site as CSV, in constant memory."""
    site = get_object_or_404(site_queryset_for(user=request.user), pk=site_id)
    filename = f"visits-site-{site.pk}-{timezone.now():%Y%m%d}.csv"
    response = StreamingHttpResponse(
        csv_lines(header=CSV_COLUMNS, rows=visit_csv_rows(visits=visit_list_for(site=site))),
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
