"""Writes for visits: recording a beacon hit, and the daily visitor salt behind unique counts."""

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet

from visits.models import DailyRollup, Visit


@transaction.atomic
def visits_delete(*, visits: QuerySet[Visit]) -> int:
    """Delete some visits and drop the rollups of the days they fell on, to be rebuilt."""
    days_by_site: dict[int, set[date]] = defaultdict(set)
    for site_id, site_timezone, timestamp in visits.values_list(
        "site_id", "site__timezone", "timestamp"
    ).iterator(chunk_size=5000):
        days_by_site[site_id].add(timestamp.astimezone(ZoneInfo(site_timezone)).date())
    deleted, _ = visits.delete()
    for site_id, days in days_by_site.items():
        DailyRollup.objects.filter(site_id=site_id, day__in=days).delete()
    return deleted
