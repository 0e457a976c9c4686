"""Time every dashboard view and panel, on SQLite and PostgreSQL, and how they grow with a site.

    .venv/bin/python benchmarks/dashboard.py                     # both databases, 1,000,000 visits
    .venv/bin/python benchmarks/dashboard.py --database sqlite --visits 200000
    .venv/bin/python benchmarks/dashboard.py --visits 25000,500000 --days 60   # growth x20
    .venv/bin/python benchmarks/dashboard.py --overview 50 --visits 5000 --days 60  # all sites

Each database gets a fresh, throwaway database with one site per size in `--visits` (one
owner); visits come from `seed_demo`'s generator over `--days` days, then daily rollups are
built as `seed_demo` does. Every page is timed over HTTP through Django's test client (warm,
min/median/max of `--repeat` runs) at each size, with the ratio of the largest site's median to
the smallest's: 7 days, 30 days and 12 months unfiltered, 30 days filtered by a country, and by
a country and a page; then a funnel's, an experiment's and the journeys' report (REPORTS), and
the dashboard of a funnel's drop-off (`dropped=`). Then every panel of those views, and the
three reports, at the largest size; the unfiltered reports also cold ("cold": their per-day
cache dropped before each run, so each run reads the finished days raw and stores them; a
one-off cost, not held to the panel budget). A baseline query
(counting the site's visits) runs in the same process, so ratios survive a noisy machine.
Exits non-zero when a panel is over 200 ms or, with two sizes or more, a view in FLAT_VIEWS grows
more than x2.

With `--overview N` it times the all-sites pages instead: N sites of the first size in `--visits`
each (with `seed_demo`'s goals, a revenue goal among them, and a note), then `/sites/`
(OVERVIEW_PAGES), the combined dashboard and the API's overview, with the queries each takes;
non-zero when `/sites/` is over OVERVIEW_GOAL_MS.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PANEL_GOAL_MS, FLAT_GOAL = 200, 2.0
VIEWS = (
    "period=7d",
    "period=30d",
    "period=12mo",
    "period=30d&country=US",
    "period=30d&country=US&page=/",
)
# The funnel, experiment and journey reports, timed like the dashboard's views (and like panels).
REPORTS = ("period=30d", "period=30d&country=US")
REPORT_PAGES = {
    "funnel": "funnels/{funnel}/",
    "experiment": "experiments/{experiment}/",
    "journeys": "journeys/",
    "dropped": "stats/?dropped={funnel}.2&",
}
# Views whose time should follow what they show, not what the site has stored.
FLAT_VIEWS = ("period=12mo", "period=30d&country=US", "period=30d&country=US&page=/")
OVERVIEW_PAGES = (
    "/sites/?period=30d",
    "/sites/?period=7d&sort=change",
    "/api/v1/sites/overview/?period=30d",
    "/sites/all/stats/?period=30d",
    "/sites/all/stats/?period=30d&country=US",
)
OVERVIEW_GOAL_MS = 300
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--visits", default="1000000", help="visits of each site, comma-separated (1000000)"
    )
    parser.add_argument("--days", type=int, default=400, help="spread over D days (400)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--overview", type=int, default=0, help="time the all-sites pages over N sites instead"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        args.sizes = [int(size) for size in args.visits.split(",")]
    except ValueError:
        parser.error("--visits takes whole numbers separated by commas, like 25000,500000")
    if not args.sizes or min(args.sizes) < 1 or args.days < 1:
        parser.error("--visits and --days must be 1 or more")
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
                args.visits,
                "--days",
                str(args.days),
                "--repeat",
                str(args.repeat),
                "--overview",
                str(args.overview),
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


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def spread(samples: list[float]) -> str:
    return f"{min(samples):7.1f} {statistics.median(samples):7.1f} {max(samples):7.1f}"


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
    from sites.funnel_services import experiment_create, funnel_create
    from sites.services import goal_create, site_create
    from visits.demo import demo_visits_create
    from visits.models import Visit
    from visits.stats.breakdowns import visit_breakdown
    from visits.stats.dimensions import PANELS
    from visits.stats.experiments import experiment_report
    from visits.stats.figures import visit_totals
    from visits.stats.funnels import funnel_report
    from visits.stats.journeys import JourneyParams, journey_report
    from visits.stats.periods import period_resolve
    from visits.stats.rollups import rollup_ensure
    from visits.stats.timeseries import visit_timeseries

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    database = args.child
    call_command("migrate", verbosity=0)
    owner = user_register(email="bench@example.com", password="benchmark passphrase 1")
    now = timezone.now()
    if args.overview:
        return run_overview(args, owner=owner, now=now)
    sites = []
    for number, size in enumerate(args.sizes):
        site = site_create(
            owner=owner,
            name=f"Bench {size}",
            base_url=f"https://bench{number}.example",
            timezone="Europe/Berlin",
        )
        started = time.perf_counter()
        demo_visits_create(site=site, visits=size, days=args.days, now=now, seed=11)
        filled = time.perf_counter()
        rollup_ensure(
            site=site, first_day=now.date() - timedelta(days=args.days + 400), last_day=now.date(),
            now=now,
        )  # fmt: skip
        rolled = time.perf_counter()
        print(
            f"\n== {database}: {Visit.objects.filter(site=site).count():,} visits over "
            f"{args.days} days (filled in {filled - started:.0f} s, rollups built in "
            f"{rolled - filled:.0f} s)"
        )
        sites.append(site)
        # The demo's signup plan stands in for an experiment's variant: it is timed, not judged.
        funnel_create(
            site=site,
            name="Signup",
            steps=[
                {"kind": "page", "value": "/"},
                {"kind": "page", "value": "/pricing"},
                {"kind": "event", "value": "signup", "prop_key": "plan", "prop_value": "pro"},
            ],
        )
        goal = goal_create(site=site, name="Pricing", kind="page", value="/pricing")
        experiment_create(
            site=site, name="Plans", variant_property="plan", control="free", goal=goal
        )

    largest = sites[-1]
    samples = timed(lambda: Visit.objects.filter(site=largest).count(), args.repeat)
    baseline = statistics.median(samples)
    print(f"baseline: COUNT(*) of the largest site's visits {baseline:.1f} ms")

    client = Client()
    client.force_login(owner)
    print(f"\npages over HTTP, ms (min median max), {args.repeat} warm runs each")
    print(f"{'view':<30} " + " ".join(f"{size:>23,}" for size in args.sizes) + "   ratio")
    ratios = {}
    for query in VIEWS:
        medians = []
        cells = []
        for site in sites:
            url = f"/sites/{site.pk}/stats/?{query}"
            assert client.get(url).status_code == 200  # warm
            page = timed(lambda u=url: client.get(u), args.repeat)
            medians.append(statistics.median(page))
            cells.append(spread(page))
        ratios[query] = medians[-1] / medians[0]
        ratio = f"x{ratios[query]:.2f}" if len(sites) > 1 else ""
        print(f"{query:<30} " + " ".join(cells) + f"   {ratio}")
        # First reads: the per-day caches of views, goals and reports dropped before each run.
        cold = [
            timed(
                lambda u=f"/sites/{site.pk}/stats/?{query}", s=site: cold_get(client, s, u),
                args.repeat,
            )
            for site in sites
        ]
        ratio = statistics.median(cold[-1]) / statistics.median(cold[0])
        ratio = f"x{ratio:.2f}" if len(sites) > 1 else ""
        print(f"{query + ' cold':<30} " + " ".join(map(spread, cold)) + f"   {ratio}")
    for kind, page in REPORT_PAGES.items():
        for query in REPORTS:
            cells, medians = [], []
            for site in sites:
                ids = {"funnel": site.funnels.get().pk, "experiment": site.experiments.get().pk}
                url = f"/sites/{site.pk}/{page.format(**ids)}"
                url += ("" if url.endswith("&") else "?") + query
                assert client.get(url).status_code == 200  # warm
                page_runs = timed(lambda u=url: client.get(u), args.repeat)
                medians.append(statistics.median(page_runs))
                cells.append(spread(page_runs))
            ratio = f"x{medians[-1] / medians[0]:.2f}" if len(sites) > 1 else ""
            print(f"{kind + ' ' + query:<30} " + " ".join(cells) + f"   {ratio}")

    print(f"\npanels at {args.sizes[-1]:,} visits, ms (min median max)")
    print(f"{'view':<30} {'panel':<16} {'min':>7} {'median':>7} {'max':>7} {'x baseline':>11}")
    slowest = ("", "", 0.0)
    for query in VIEWS:
        params = dict(part.split("=") for part in query.split("&"))
        period = period_resolve(key=params.pop("period"), tz_name=largest.timezone, now=now)
        common = {"site": largest, "period": period, "filters": params, "now": now}
        panels = {
            "headline": lambda c=common: visit_totals(**c),
            "chart": lambda c=common: visit_timeseries(**c),
        }
        for panel in PANELS:
            panels[panel.name] = lambda c=common, d=panel.name: visit_breakdown(dimension=d, **c)
        for name, function in panels.items():
            # Each run alone, paying its share of the page's one pass as a panel read alone does.
            runs = timed(lambda f=function: alone(f), args.repeat)
            median = statistics.median(runs)
            print(f"{query:<30} {name:<16} {spread(runs)} {median / baseline:11.2f}")
            if median > slowest[2]:
                slowest = (query, name, median)

    for query in REPORTS:
        params = dict(part.split("=") for part in query.split("&"))
        period = period_resolve(key=params.pop("period"), tz_name=largest.timezone, now=now)
        common = {"site": largest, "period": period, "filters": params}
        reports = {
            "funnel": lambda c=common: funnel_report(funnel=largest.funnels.get(), **c),
            "experiment": lambda c=common: experiment_report(
                experiment=largest.experiments.get(), **c
            ),
            "journeys": lambda c=common: journey_report(params=JourneyParams(), **c),
        }
        for name, function in reports.items():
            if not params:  # unfiltered: first reads, each building the per-day cache anew
                cold = timed(lambda f=function: (report_days_drop(largest), f()), args.repeat)
                print(
                    f"{query:<30} {name + ' cold':<16} {spread(cold)} "
                    f"{statistics.median(cold) / baseline:11.2f}"
                )
            runs = timed(function, args.repeat)
            median = statistics.median(runs)
            print(f"{query:<30} {name:<16} {spread(runs)} {median / baseline:11.2f}")
            if median > slowest[2]:
                slowest = (query, name, median)

    flat = all(ratio <= FLAT_GOAL for query, ratio in ratios.items() if query in FLAT_VIEWS)
    print(
        f"\nslowest panel: {slowest[1]} for {slowest[0]} at {slowest[2]:.1f} ms "
        f"(goal {PANEL_GOAL_MS} ms)"
    )
    if len(sites) > 1:
        print(
            "growth from the smallest to the largest site: "
            + ", ".join(f"{query} x{ratios[query]:.2f}" for query in FLAT_VIEWS)
            + f" (goal x{FLAT_GOAL:g} or less)"
        )
    return 0 if flat and slowest[2] <= PANEL_GOAL_MS else 1


def alone(function):
    """A panel read as the page reads it, with nothing shared from an earlier read."""
    from visits.stats.sessions import sessions_shared

    with sessions_shared():
        return function()


def cold_get(client, site, url):
    report_days_drop(site)
    return client.get(url)


def report_days_drop(site) -> None:
    """Forget a site's cached report days, so the next report read builds them (cold)."""
    from visits.models import ReportDay

    ReportDay.objects.filter(site=site).delete()


def run_overview(args, *, owner, now) -> int:
    """N sites of one size: the all-sites list, its API and the combined dashboard, timed."""
    from django.db import connection
    from django.test import Client

    from sites.services import annotation_create, goal_create, site_create
    from visits.demo import demo_visits_create
    from visits.management.commands.seed_demo import DEMO_GOALS
    from visits.stats.rollups import rollup_ensure

    started = time.perf_counter()
    for number in range(args.overview):
        site = site_create(
            owner=owner,
            name=f"Bench {number:02}",
            base_url=f"https://bench{number}.example",
            timezone="Europe/Berlin" if number % 2 else "America/New_York",
        )
        # The combined Goals and Revenue panels and the chart's notes have each site's to read.
        for name, kind, value, *currency in DEMO_GOALS:
            goal_create(site=site, name=name, kind=kind, value=value, currency="".join(currency))
        annotation_create(site=site, day=now.date() - timedelta(days=number % 20), text="A note")
        demo_visits_create(site=site, visits=args.sizes[0], days=args.days, now=now, seed=number)
        # As far back as the pages timed read: 30 days and the 30 before.
        rollup_ensure(
            site=site, first_day=now.date() - timedelta(days=max(args.days, 61)),
            last_day=now.date(), now=now,
        )  # fmt: skip
        if number % 10 == 9:
            print(f"  {number + 1} sites filled", flush=True)
    print(
        f"\n== {args.child}: {args.overview} sites of {args.sizes[0]:,} visits over {args.days} "
        f"days, two time zones (filled and rolled up in {time.perf_counter() - started:.0f} s)"
    )
    client = Client()
    client.force_login(owner)
    print(f"\n{'page':<42} {'queries':>7} {'min':>7} {'median':>7} {'max':>7}  ms")
    medians = {}
    for url in OVERVIEW_PAGES:
        assert client.get(url).status_code == 200  # warm
        queries = []  # counted by a wrapper: the request itself clears the debug log
        with connection.execute_wrapper(
            lambda run, sql, *rest, seen=queries: seen.append(sql) or run(sql, *rest)
        ):
            client.get(url)
        runs = timed(lambda u=url: client.get(u), args.repeat)
        medians[url] = statistics.median(runs)
        print(f"{url:<42} {len(queries):>7} {spread(runs)}")
    listed = max(median for url, median in medians.items() if url.startswith("/sites/?"))
    print(f"\nslowest /sites/: {listed:.1f} ms (goal {OVERVIEW_GOAL_MS} ms)")
    return 0 if listed <= OVERVIEW_GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
