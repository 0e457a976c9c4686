"""Write everything stored about one site (settings, goals, visits) as JSON or CSV."""

from django.core.management.base import BaseCommand, CommandError

from visits.management.site_argument import site_from_argument
from visits.site_export import EXPORT_FORMATS, site_export


class Command(BaseCommand):
    help = "Export a site's settings, goals and every visit (JSON), or its visits (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("site_id", type=int, help="the site's id")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="json")
        parser.add_argument("--output", help="a file to write (default: standard output)")

    def handle(self, *args, site_id, format, output, **options):
        site = site_from_argument(site_id)
        pieces = site_export(site=site, kind=format)
        if not output:
            for piece in pieces:
                self.stdout.write(piece, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as target:
                for piece in pieces:
                    target.write(piece)
        except OSError as error:
            raise CommandError(f"Can't write {output}: {error.strerror}.") from error
        self.stderr.write(f"Wrote site {site.pk} ({site.name}) to {output}.")
