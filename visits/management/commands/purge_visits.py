"""Delete visits older than a number of days."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from visits.retention import PURGE_BATCH_SIZE, visits_purge


class Command(BaseCommand):
    help = "Delete visits older than --days N, in batches. --dry-run only counts them."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True, help="keep the last N days")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument(
            "--batch-size", type=int, default=PURGE_BATCH_SIZE, help="visits per transaction"
        )

    def handle(self, *args, days, dry_run, batch_size, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        count = visits_purge(older_than=cutoff, dry_run=dry_run, batch_size=batch_size)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {count} visits older than {days} days (before {cutoff:%Y-%m-%d %H:%M} UTC)."
        )
