"""How fast `import_visits` reads and stores, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_visits.py                    # both databases, 200,000 rows
    .venv/bin/python benchmarks/import_visits.py --database sqlite --rows 50000

A GoatCounter export and an access log of the same number of rows are written, then imported
into a fresh, throwaway database; then the GoatCounter file again (every row already there).
The baseline, in the same process, is the bulk insert the beacon's spool uses for as many
prepared visit rows: the ratios say what reading, parsing and checking add to storing.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.dashboard import throwaway_database  # noqa: E402

AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
)
PAGES = ("/", "/pricing", "/blog/", "/blog/a-long-post", "/docs/install", "/about")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args)
    failures = 0
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        with throwaway_database(database) as url:
            env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark", "DEBUG": "False"}
            command = [sys.executable, __file__, "--child", database, "--rows", str(args.rows)]
            failures += subprocess.run(command, env=env, cwd=PROJECT, check=False).returncode
    return 1 if failures else 0


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    goatcounter, access_log = folder / "goatcounter.csv", folder / "access.log"
    with goatcounter.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["2Path", "Title", "Event", "UserAgent", "Browser", "System", "Session", "Bot",
             "Referrer", "Referrer scheme", "Screen size", "Location", "FirstVisit", "Date"]
        )  # fmt: skip
        for number in range(rows):
            moment = start + timedelta(seconds=number * 17)
            writer.writerow(
                [PAGES[number % len(PAGES)], "T", "false", "", "Chrome 126", "Windows 10",
                 f"s{number // 4}", "0", "www.google.com/", "h", "1920,1080,1", "DE-BE", "false",
                 moment.strftime("%Y-%m-%dT%H:%M:%SZ")]
            )  # fmt: skip
    with access_log.open("w") as out:
        for number in range(rows):
            moment = start + timedelta(seconds=number * 17)
            address = f"198.51.{number // 250 % 250}.{number % 250}"
            out.write(
                f"{address} - - [{moment:%d/%b/%Y:%H:%M:%S +0000}] "
                f'"GET {PAGES[number % len(PAGES)]} HTTP/1.1" 200 5120 "https://www.google.com/" '
                f'"{AGENTS[number % len(AGENTS)]}"\n'
            )
    return goatcounter, access_log


def run_child(args) -> int:
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.services import user_register
    from sites.services import site_create
    from visits.ingest.bulk import visit_row, visits_insert
    from visits.models import Visit

    call_command("migrate", verbosity=0)
    owner = user_register(email="bench@example.com", password="benchmark passphrase 1")
    sites = [
        site_create(owner=owner, name=name, base_url=f"https://{name}.example")
        for name in ("baseline", "goatcounter", "logs")
    ]
    rows = args.rows
    with tempfile.TemporaryDirectory() as folder:
        goatcounter, access_log = write_files(Path(folder), rows)

        prepared = [
            visit_row(
                Visit(
                    site_id=sites[0].pk,
                    timestamp=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=number * 17),
                    url=f"https://baseline.example{PAGES[number % len(PAGES)]}",
                    path=PAGES[number % len(PAGES)],
                    visitor_hash=number // 4,
                )
            )
            for number in range(rows)
        ]
        started = time.perf_counter()
        for start in range(0, rows, 1000):
            visits_insert(prepared[start : start + 1000])
        baseline = time.perf_counter() - started

        def run(site, path) -> float:
            started = time.perf_counter()
            call_command("import_visits", str(site.pk), str(path), stdout=StringIO())
            return time.perf_counter() - started

        timings = {
            "GoatCounter export": run(sites[1], goatcounter),
            "access log (user agents parsed)": run(sites[2], access_log),
            "GoatCounter again (all there)": run(sites[1], goatcounter),
        }
    stored = Visit.objects.filter(site__in=sites[1:]).count()
    print(f"\n{args.child}: {rows:,} rows per file")
    print(f"  {'baseline: bulk insert of prepared rows':<42} {rows / baseline:>10,.0f} rows/s")
    for name, seconds in timings.items():
        print(f"  {name:<42} {rows / seconds:>10,.0f} rows/s  x{seconds / baseline:.1f} baseline")
    expected = rows * 2
    print(f"  stored {stored:,} visits (expected {expected:,})")
    return 0 if stored == expected else 1


if __name__ == "__main__":
    sys.exit(main())
