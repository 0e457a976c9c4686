"""Delete visits older than a number of days, and apply each site's own retention period."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from visits.ingest.visitors import visitor_salts_expire
from visits.retention import PURGE_BATCH_SIZE, visits_purge, visits_purge_by_retention


class Command(BaseCommand):
    help = (
        "Delete visits older than --days N (all sites) and those past each site's own retention "
        "period, in batches, and expire visitor salts of past days. --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep the last N days of every site")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument(
            "--batch-size", type=int, default=PURGE_BATCH_SIZE, help="visits per transaction"
        )

    def handle(self, *args, days, dry_run, batch_size, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        now = timezone.now()
        verb = "Would delete" if dry_run else "Deleted"
        if days is not None:
            cutoff = now - timedelta(days=days)
            count = visits_purge(older_than=cutoff, dry_run=dry_run, batch_size=batch_size)
            self.stdout.write(
                f"{verb} {count} visits older than {days} days "
                f"(before {cutoff:%Y-%m-%d %H:%M} UTC)."
            )
        by_site = visits_purge_by_retention(now=now, dry_run=dry_run, batch_size=batch_size)
        for site, count in by_site:
            self.stdout.write(
                f"{verb} {count} visits of site {site.pk} ({site.name}) older than its "
                f"{site.retention_days} days."
            )
        if days is None and not by_site:
            self.stdout.write("Nothing to do: no --days given and no site has a retention period.")
        if not dry_run:
            expired = visitor_salts_expire()
            if expired:
                self.stdout.write(f"Expired {expired} visitor salts of past days.")
