"""What visits does when a site changes or goes (signals sent by `sites.services`)."""

from django.dispatch import receiver

from sites.models import Site
from sites.signals import site_deleted, site_saved
from visits.ingest.site_cache import beacon_site_forget
from visits.stats.rollups import rollup_forget


@receiver(site_saved, sender=Site)
def _site_saved(*, site: Site, timezone_changed: bool, **kwargs) -> None:
    beacon_site_forget(site_id=site.pk)
    if timezone_changed:
        # Rollups are per local day: a new time zone means new days.
        rollup_forget(site=site)


@receiver(site_deleted, sender=Site)
def _site_deleted(*, site_id: int, **kwargs) -> None:
    beacon_site_forget(site_id=site_id)
