"""Deleting old visits in small batches, so the table is never locked for long."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from sites.models import Site
from visits.models import DailyRollup, ReportDay, Visit
from visits.stats.rollups import rollup_forget

PURGE_BATCH_SIZE = 5000


def visits_purge(
    *,
    older_than: datetime,
    site: Site | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
) -> int:
    """Delete visits before `older_than` (of one site, or all), a batch per transaction;
    return how many.

    The rollups and cached report days of the purged days go too: old visits disappear from
    every report alike.
    """
    old = Visit.objects.filter(timestamp__lt=older_than)
    # The sites with anything built from past visits: rollups or reports' cached days.
    sites = Site.objects.filter(
        Q(pk__in=DailyRollup.objects.values("site_id"))
        | Q(pk__in=ReportDay.objects.values("site_id"))
    )
    if site is not None:
        old, sites = old.filter(site=site), sites.filter(pk=site.pk)
    if dry_run:
        return old.count()
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("timestamp").values_list("id", flat=True)[:batch_size])
            if not ids:
                break
            deleted += Visit.objects.filter(id__in=ids).delete()[0]
    for purged_site in sites.only("id", "timezone"):
        cutoff_day = older_than.astimezone(ZoneInfo(purged_site.timezone)).date()
        rollup_forget(site=purged_site, through=cutoff_day)
    return deleted


def visits_purge_by_retention(
    *, now: datetime, dry_run: bool = False, batch_size: int = PURGE_BATCH_SIZE
) -> list[tuple[Site, int]]:
    """Apply each site's own retention period; return (site, visits deleted) per such site."""
    results = []
    for site in Site.objects.filter(retention_days__isnull=False).order_by("pk"):
        count = visits_purge(
            older_than=now - timedelta(days=site.retention_days),
            site=site,
            dry_run=dry_run,
            batch_size=batch_size,
        )
        results.append((site, count))
    return results
