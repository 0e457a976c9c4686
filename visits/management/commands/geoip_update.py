"""Install or refresh the GeoIP City database that the beacon uses."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from visits.ingest.geoip_install import GeoIPInstallError, geoip_download, geoip_install_file


class Command(BaseCommand):
    help = (
        "Install a local .mmdb with --from-file, or download GeoLite2-City with "
        "MAXMIND_ACCOUNT_ID and MAXMIND_LICENSE_KEY. The file is checked before it replaces "
        "the live database in one atomic rename."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-file", metavar="PATH", help="a local GeoIP2/GeoLite2 City .mmdb"
        )

    def handle(self, *args, from_file=None, **options):
        try:
            if from_file:
                source = Path(from_file)
                if not source.is_file():
                    raise CommandError(f"No such file: {source}")
                target, description = geoip_install_file(source=source)
            else:
                target, description = self._download_and_install()
        except GeoIPInstallError as exc:
            raise CommandError(f"GeoIP database not installed: {exc}") from exc
        self.stdout.write(f"Installed {target} ({description}).")

    def _download_and_install(self):
        if not (settings.MAXMIND_ACCOUNT_ID and settings.MAXMIND_LICENSE_KEY):
            raise CommandError(
                "Set MAXMIND_ACCOUNT_ID and MAXMIND_LICENSE_KEY to download GeoLite2-City "
                "(a free MaxMind account), or install a local file with --from-file PATH."
            )
        data = geoip_download(
            account_id=settings.MAXMIND_ACCOUNT_ID, license_key=settings.MAXMIND_LICENSE_KEY
        )
        with tempfile.NamedTemporaryFile(suffix=".mmdb") as downloaded:
            downloaded.write(data)
            downloaded.flush()
            return geoip_install_file(source=Path(downloaded.name))
