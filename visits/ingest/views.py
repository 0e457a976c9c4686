"""The beacon view: one request in, 204 or a JSON error out."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, IntegrityError
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from accounts.addresses import request_limit_key
from accounts.ratelimits import rate_limited
from visits.ingest.accept import hit_accept
from visits.ingest.parse import BODY_MAX_BYTES, BeaconError, BeaconHit, beacon_parse
from visits.ingest.site_cache import beacon_site, beacon_site_forget

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
    rate = settings.BEACON_RATE_LIMIT
    if rate != "off" and rate_limited(
        request=request, group="beacon", key=request_limit_key(request), rate=rate
    ):
        return _answer(
            429, "Too many visits from your address; slow down.", **{"Retry-After": "60"}
        )
    if request.method not in ("GET", "POST"):
        return _answer(405, "Use GET or POST.")
    try:
        # An unknown site is a 404 whatever else is wrong with the request.
        site = beacon_site(site_id=site_id)
        if site is None:
            return _answer(404, "Unknown site.")
        hit = _hit_from(request)
        skipped = hit_accept(site=site, hit=hit)
        if skipped:
            return _answer(204, **{"X-Visit-Skipped": skipped})
    except BeaconError as error:
        return _answer(error.status, error.message)
    except IntegrityError:
        beacon_site_forget(site_id=site_id)  # deleted since we cached it
        return _answer(404, "Unknown site.")
    except DatabaseError:
        logger.exception("Beacon: the database is unavailable")
        return _answer(503, "Temporarily unavailable, try again later.")
    except OSError:
        # The spool cannot be written (a full disk): the visit is not stored, so say so.
        logger.exception("Beacon: the spool cannot be written")
        return _answer(503, "Temporarily unavailable, try again later.")
    return _answer(204)


def _hit_from(request) -> BeaconHit:
    """The request as a BeaconHit, or BeaconError with the status to answer."""
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
            multipart=request.POST.dict() if is_multipart else None,
        )
    except RequestDataTooBig as exc:
        raise BeaconError("The body is too large.", status=413) from exc
    except (MultiPartParserError, TooManyFieldsSent, UnicodeDecodeError) as exc:
        raise BeaconError("The multipart body could not be read.") from exc
