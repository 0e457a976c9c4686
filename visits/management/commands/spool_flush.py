"""Store the visits left in spool files by processes that stopped."""

from django.core.management.base import BaseCommand

from visits.ingest.spool import spool_directory, spool_recover_orphans


class Command(BaseCommand):
    help = (
        "Insert the visits waiting in spool files of beacon processes that are no longer "
        "running (after a crash or a kill), then delete those files. Running workers do this "
        "by themselves every few seconds; use this when no worker is left to do it."
    )

    def handle(self, *args, **options):
        stored = spool_recover_orphans()
        self.stdout.write(f"Stored {stored} spooled visits from {spool_directory()}.")
