"""Run the spool's drainer: store every spool file of this database as it fills."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from visits.ingest.spool_drain import spool_drain_forever
from visits.ingest.spool_store import spool_directory


class Command(BaseCommand):
    help = (
        "Store the beacon's spooled visits into the database every second, from every worker's "
        "file in BEACON_SPOOL_DIR, and delete the files of workers that stopped. The production "
        "server (`tracker serve`, or gunicorn with the packaged config) runs one by itself; run "
        "it alone only for workers started some other way with BEACON_SPOOL_DRAINER=process. "
        "Stops on SIGTERM or SIGINT once no worker holds a file, after storing the rest."
    )

    def handle(self, *args, **options):
        if settings.BEACON_WRITE_MODE != "spool":
            raise CommandError("BEACON_WRITE_MODE is not 'spool': there is no spool to drain.")
        stored = spool_drain_forever()
        self.stdout.write(f"Stored {stored} spooled visits from {spool_directory()}.")
