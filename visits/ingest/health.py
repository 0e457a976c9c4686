"""The health check: is the database answering, can the spool be written, what state is GeoIP in."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from visits.ingest.geo import geolocator
from visits.ingest.spool import spool_status

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers and, in spool mode, the spool can be written (503 and
    "degraded" with the reason when it cannot); GeoIP state never makes us unhealthy."""
    database = _database_state()
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        "geoip": geolocator.status(),
    }
    if settings.BEACON_WRITE_MODE == "spool" and database == "ok":
        body["spool"] = spool_status()
        if body["spool"]["error"]:
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return "unavailable"
    return "ok"
