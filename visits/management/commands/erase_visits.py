"""Erase the visits of one site: all of them, or those of some days (in the site's time zone)."""

from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from visits.management.site_argument import site_from_argument
from visits.models import Visit
from visits.services import visits_erase
from visits.stats.periods import local_bounds


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{name} must be a date like 2026-03-01, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Erase a site's visits, all or from --from to --to (inclusive days in the site's time "
        "zone). Reports follow at once. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("site_id", type=int, help="the site's id")
        parser.add_argument("--from", dest="first", help="first day to erase (YYYY-MM-DD)")
        parser.add_argument("--to", dest="last", help="last day to erase (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="count, erase nothing")

    def handle(self, *args, site_id, first, last, dry_run, **options):
        site = site_from_argument(site_id)
        first_day = _day(first, "--from") if first else date.min
        last_day = _day(last, "--to") if last else date.max
        if first_day > last_day:
            raise CommandError("--from must not be after --to.")
        tz = ZoneInfo(site.timezone)
        start = local_bounds(first_day, first_day, tz)[0] if first else None
        end = local_bounds(last_day, last_day, tz)[1] if last else None
        span = f"from {first or 'the start'} to {last or 'today'}"
        if dry_run:
            visits = Visit.objects.filter(site=site)
            if start is not None:
                visits = visits.filter(timestamp__gte=start)
            if end is not None:
                visits = visits.filter(timestamp__lt=end)
            self.stdout.write(f"Would erase {visits.count()} visits of site {site.pk} {span}.")
            return
        erased = visits_erase(site=site, start=start, end=end)
        self.stdout.write(f"Erased {erased} visits of site {site.pk} ({site.name}) {span}.")
