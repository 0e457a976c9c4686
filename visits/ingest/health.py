"""The health check: do the database and the pages' static files answer, can the spool be
written, what state is GeoIP in."""

import logging

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from visits.ingest.geo import geolocator
from visits.ingest.spool_process import spool_status

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, pages can link their static files and, in spool mode,
    the spool can be written (503 and "degraded" with the reason when it cannot). A broken or
    unreadable GeoIP database is "degraded" too, but 200: visits are still stored, only
    without location, so a load balancer should keep sending them here."""
    database = _database_state()
    static = _static_state()
    healthy = database == "ok" and static == "ok"
    body = {
        "status": "ok" if healthy else "error",
        "database": database,
        "static": static,
        "geoip": geolocator.status(),
    }
    if healthy and body["geoip"] == "broken":
        body["status"] = "degraded"
    if settings.BEACON_WRITE_MODE == "spool" and database == "ok":
        body["spool"] = spool_status()
        if body["spool"]["error"] and healthy:
            body["status"] = "degraded"
    return JsonResponse(body, status=503 if _unavailable(body) else 200)


def _unavailable(body: dict) -> bool:
    return body["status"] == "error" or bool(body.get("spool", {}).get("error"))


def _static_state() -> str:
    # Every page links its stylesheet through the storage: if this fails, so do they.
    try:
        staticfiles_storage.url("css/app.css")
    except ValueError:
        logger.exception("Health check: static files are missing")
        return "missing"
    return "ok"


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return "unavailable"
    return "ok"
