"""The health check: is the database answering, and what state is GeoIP in."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from visits.ingest.geo import geolocator

logger = logging.getLogger(__name__)


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
