"""Import visits from another analytics tool's export, this app's CSV, or a server's access log."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from visits.importers import FORMAT_NAMES, READERS, format_detect
from visits.importers.hits import FormatError
from visits.importers.service import visits_import
from visits.importers.unpack import unpacked
from visits.management.site_argument import site_from_argument

LABELS = {
    "ours": "this app's CSV",
    "plausible": "a Plausible export",
    "umami": "an Umami export",
    "goatcounter": "a GoatCounter export",
    "access-log": "an access log",
}


class Command(BaseCommand):
    help = (
        "Import visits into a site from a Plausible export (.zip), an Umami or GoatCounter CSV "
        "export, this app's CSV, or an access log in the combined format, gzipped or not. Rows "
        "are read and stored in batches; running the same file again imports nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("site_id", type=int, help="the site's id")
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--format",
            choices=("auto", *FORMAT_NAMES),
            default="auto",
            help="what the file is (default: tell from its first bytes)",
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="visits stored per transaction"
        )
        parser.add_argument("--dry-run", action="store_true", help="read and count, store nothing")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="show the progress bar even when not writing to a terminal",
        )

    def handle(self, *args, site_id, path, format, batch_size, dry_run, progress, **options):
        site = site_from_argument(site_id)
        if not 1 <= batch_size <= 50_000:
            raise CommandError("--batch-size must be between 1 and 50000.")
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"There is no file {path}.")
        with source.open("rb") as packed:
            try:
                stream = unpacked(packed, packed_size=source.stat().st_size)
                kind = format_detect(stream) if format == "auto" else format
                bar = tqdm(
                    total=source.stat().st_size,
                    unit="B",
                    unit_scale=True,
                    desc=f"Importing {source.name}",
                    file=self.stderr._out,
                    disable=None if not progress else False,
                )
                with bar:
                    report = visits_import(
                        site=site,
                        items=READERS[kind](stream, site=site),
                        batch_size=batch_size,
                        dry_run=dry_run,
                        progress=lambda report: bar.update(max(packed.tell() - bar.n, 0)),
                    )
                    bar.update(bar.total - bar.n)  # read to the end
            except FormatError as error:
                raise CommandError(f"{source.name}: {error}") from error
        self._summary(site, source, kind, report, dry_run)

    def _summary(self, site, source, kind, report, dry_run):
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.imported:,} visits into site {site.pk} ({site.name}) from "
            f"{source.name} ({LABELS[kind]})."
        )
        if report.already_there:
            self.stdout.write(f"Imported before, left as they are: {report.already_there:,}.")
        if report.skipped_total:
            self.stdout.write(f"Skipped {report.skipped_total:,}:")
            for reason, count in report.skipped.most_common():
                first = report.first_skipped[reason]
                where = ": ".join(
                    part
                    for part in (first.line and f"first at line {first.line}", first.detail)
                    if part
                )
                self.stdout.write(f"  {count:,} {reason} ({where})")
        if report.days and not dry_run:
            self.stdout.write(
                f"Days from {min(report.days)} to {max(report.days)} will be counted afresh."
            )
