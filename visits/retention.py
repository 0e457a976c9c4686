"""Deleting old visits in small batches, so the table is never locked for long."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from sites.models import Site
from visits.models import DailyRollup, Visit

PURGE_BATCH_SIZE = 5000


def visits_purge(
    *, older_than: datetime, dry_run: bool = False, batch_size: int = PURGE_BATCH_SIZE
) -> int:
    """Delete visits before `older_than`, a batch per transaction; return how many.

    The rollups of the purged days go too: old visits disappear from every report alike.
    """
    old = Visit.objects.filter(timestamp__lt=older_than)
    if dry_run:
        return old.count()
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("timestamp").values_list("id", flat=True)[:batch_size])
            if not ids:
                break
            deleted += Visit.objects.filter(id__in=ids).delete()[0]
    for site in Site.objects.filter(rollups__isnull=False).distinct().only("id", "timezone"):
        cutoff_day = older_than.astimezone(ZoneInfo(site.timezone)).date()
        DailyRollup.objects.filter(site=site, day__lte=cutoff_day).delete()
    return deleted
