"""Refresh the referrer lists (named sources and referrer spam) from newer copies of Matomo's."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from visits.ingest.referrer_lists import ReferrerListError
from visits.ingest.referrer_lists_install import UPSTREAM_NAMES, referrer_lists_install


class Command(BaseCommand):
    help = (
        "Install newer referrer lists: --from a checkout of Matomo's "
        "searchengine-and-social-list, --spam its referrer-spam-list's spammers.txt. "
        "They are checked before they replace the lists in use (REFERRER_LISTS_DIR); "
        "running processes pick them up when restarted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source_dir",
            metavar="DIR",
            help=f"a folder holding any of {', '.join(list(UPSTREAM_NAMES)[:3])}",
        )
        parser.add_argument("--spam", metavar="FILE", help="Matomo's spammers.txt")
        parser.add_argument(
            "--into",
            metavar="DIR",
            help="where to write them (default: REFERRER_LISTS_DIR); the package's "
            "visits/ingest/data to refresh the copy a release ships",
        )

    def handle(self, *args, source_dir=None, spam=None, into=None, **options):
        target = Path(into) if into else Path(settings.REFERRER_LISTS_DIR)
        try:
            lists = referrer_lists_install(
                source_dir=Path(source_dir) if source_dir else None,
                spam_file=Path(spam) if spam else None,
                into=target,
            )
        except (ReferrerListError, OSError) as exc:
            raise CommandError(f"Referrer lists not installed: {exc}") from exc
        sources = len({source.name for source in (*lists.hosts.values(), *lists.stems.values())})
        self.stdout.write(
            f"Installed the referrer lists in {target}: {len(lists.hosts) + len(lists.stems)} "
            f"hosts of {sources} sources, {len(lists.spam)} spam domains."
        )
