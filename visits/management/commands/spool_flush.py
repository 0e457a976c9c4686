"""Store the visits left in spool files by processes that stopped."""

from django.core.management.base import BaseCommand

from visits.ingest.spool_drain import drainer_running
from visits.ingest.spool_store import spool_directory, spool_foreign_files, spool_recover_orphans


class Command(BaseCommand):
    help = (
        "Insert the visits waiting in spool files of beacon processes that are no longer "
        "running (after a crash or a kill), then delete those files. A running server's "
        "drainer does this by itself every second (and this command then leaves the files to "
        "it); use this when no server is left to do it. Files written for another database are "
        "left alone and counted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--adopt-unnamed",
            action="store_true",
            help="Also store files that name no database (written by a version before spool "
            "files carried one) into this database. Use it once, after an upgrade, against the "
            "database those files were written for.",
        )

    def handle(self, *args, **options):
        directory = spool_directory()
        if directory.is_dir() and drainer_running(directory=directory):
            self.stdout.write(f"A running drainer stores the files in {directory}; left to it.")
            return
        stored = spool_recover_orphans(adopt_unnamed=options["adopt_unnamed"])
        self.stdout.write(f"Stored {stored} spooled visits from {directory}.")
        foreign = spool_foreign_files(directory=directory) if directory.is_dir() else []
        if foreign:
            self.stdout.write(
                f"Left {len(foreign)} spool files of another database alone: "
                + ", ".join(path.name for path in sorted(foreign))
            )
