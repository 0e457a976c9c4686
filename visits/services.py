"""Writes for recorded visits: deleting some of them (the recorder is in `visits.ingest`)."""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet

from sites.models import Site
from visits.models import SpoolErasure, Visit
from visits.stats.rollups import rollup_forget


@transaction.atomic
def visits_delete(*, visits: QuerySet[Visit]) -> int:
    """Delete some visits and drop the rollups of the days they fell on, to be rebuilt."""
    days_by_site: dict[int, set[date]] = defaultdict(set)
    for site_id, site_timezone, timestamp in visits.values_list(
        "site_id", "site__timezone", "timestamp"
    ).iterator(chunk_size=5000):
        days_by_site[site_id].add(timestamp.astimezone(ZoneInfo(site_timezone)).date())
    deleted, _ = visits.delete()
    for site in Site.objects.filter(pk__in=days_by_site):
        rollup_forget(site=site, days=days_by_site[site.pk])
    return deleted


def visits_erase(*, site: Site, start: datetime | None = None, end: datetime | None = None) -> int:
    """Erase a site's visits from `start` to `end` (open ends: all), the spooled ones too.

    The erasure is recorded first, so any process's flusher drops the lines it covers that still
    wait in a spool file; then the stored visits are deleted. Returns the stored visits deleted.
    """
    SpoolErasure.objects.create(site_id=site.pk, start=start, end=end)
    visits = Visit.objects.filter(site=site)
    if start is not None:
        visits = visits.filter(timestamp__gte=start)
    if end is not None:
        visits = visits.filter(timestamp__lt=end)
    return visits_delete(visits=visits)
