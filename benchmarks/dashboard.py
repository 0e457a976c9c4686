"""Time every dashboard panel at one million visits, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/dashboard.py                     # both databases, 1,000,000 visits
    .venv/bin/python benchmarks/dashboard.py --database sqlite --visits 200000

Each database gets a fresh, throwaway database; visits come from `seed_demo`'s generator over
400 days, then daily rollups are built as `seed_demo` does. Every panel is timed (median of
several runs) for 7 days, 30 days and 12 months, then the whole page through Django's test
client, unfiltered and filtered by a country (filtered views read raw visits). A baseline query
(counting the site's visits) runs in the same process, so ratios survive a noisy machine.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PANEL_GOAL_MS, PAGE_GOAL_MS = 200, 1000
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args)
    failures = 0
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        with throwaway_database(database) as url:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SECRET_KEY": "benchmark",
                "DEBUG": "False",
                "HTTPS": "False",
                "ALLOWED_HOSTS": "testserver",
                "LOG_LEVEL": "WARNING",
                "CONN_MAX_AGE": "60",
            }
            command = [
                sys.executable,
                __file__,
                "--child",
                database,
                "--visits",
                str(args.visits),
                "--repeat",
                str(args.repeat),
            ]
            failures += subprocess.run(command, env=env, cwd=PROJECT, check=False).returncode
    return 1 if failures else 0


class throwaway_database:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = f"tracker_bench_{os.getpid()}"

    def __enter__(self) -> str:
        if self.kind == "sqlite":
            self.folder = tempfile.TemporaryDirectory()
            return f"sqlite:///{self.folder.name}/bench.sqlite3"
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        return f"postgres://postgres@127.0.0.1:5432/{self.name}"

    def __exit__(self, *exc) -> None:
        if self.kind == "sqlite":
            self.folder.cleanup()
            return
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def timed(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run_child(args) -> int:
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed here
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.services import user_register
    from sites.services import site_create
    from visits.demo import demo_visits_create
    from visits.models import Visit
    from visits.stats.breakdowns import visit_breakdown
    from visits.stats.dimensions import DIMENSIONS
    from visits.stats.figures import visit_timeseries, visit_totals
    from visits.stats.periods import period_resolve
    from visits.stats.rollups import rollup_ensure

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    database = args.child
    call_command("migrate", verbosity=0)
    owner = user_register(email="bench@example.com", password="benchmark passphrase 1")
    site = site_create(
        owner=owner, name="Bench", base_url="https://bench.example", timezone="Europe/Berlin"
    )
    now = timezone.now()
    started = time.perf_counter()
    demo_visits_create(site=site, visits=args.visits, days=400, now=now, seed=11)
    filled = time.perf_counter()
    rollup_ensure(
        site=site, first_day=(now.date().replace(year=now.year - 2)), last_day=now.date(), now=now
    )
    rolled = time.perf_counter()
    print(
        f"\n== {database}: {Visit.objects.count():,} visits over 400 days "
        f"(filled in {filled - started:.0f} s, rollups built in {rolled - filled:.1f} s)"
    )

    baseline = timed(lambda: Visit.objects.filter(site=site).count(), args.repeat)
    print(f"baseline: COUNT(*) of the site's visits {baseline:.1f} ms")
    print(f"{'period':<7} {'panel':<12} {'ms':>8} {'x baseline':>11}")
    slowest = ("", "", 0.0)
    for key in ("7d", "30d", "12mo"):
        period = period_resolve(key=key, tz_name=site.timezone, now=now)
        panels = {
            "headline": lambda p=period: visit_totals(site=site, period=p, filters={}, now=now),
            "chart": lambda p=period: visit_timeseries(site=site, period=p, filters={}, now=now),
        }
        for dimension in DIMENSIONS:
            panels[dimension] = lambda p=period, d=dimension: visit_breakdown(
                site=site, period=p, filters={}, dimension=d, now=now
            )
        for name, function in panels.items():
            milliseconds = timed(function, args.repeat)
            print(f"{key:<7} {name:<12} {milliseconds:8.1f} {milliseconds / baseline:11.2f}")
            if milliseconds > slowest[2]:
                slowest = (key, name, milliseconds)

    client = Client()
    client.force_login(owner)
    pages = {}
    for query in ("period=7d", "period=30d", "period=12mo", "period=30d&country=US"):
        url = f"/sites/{site.pk}/stats/?{query}"
        assert client.get(url).status_code == 200
        pages[query] = timed(lambda u=url: client.get(u), args.repeat)
        print(
            f"page    {query:<24} {pages[query]:8.1f} ms {pages[query] / baseline:8.2f} x baseline"
        )

    unfiltered_page = max(value for query, value in pages.items() if "country" not in query)
    print(
        f"slowest panel: {slowest[1]} for {slowest[0]} at {slowest[2]:.1f} ms "
        f"(goal {PANEL_GOAL_MS} ms); slowest unfiltered page {unfiltered_page:.0f} ms "
        f"(goal {PAGE_GOAL_MS} ms)"
    )
    return 0 if slowest[2] <= PANEL_GOAL_MS and unfiltered_page <= PAGE_GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
