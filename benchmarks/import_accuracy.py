"""What imports bring in, against what the files say: GoatCounter's and Plausible's own export
test files (`../shared/fixtures/`) and a demo site exported as CSV and imported into an empty one.

    .venv/bin/python benchmarks/import_accuracy.py [--fixtures ../shared/fixtures]

`import_figures(fixtures=...)` returns the same figures as a dict, for a caller that has Django
set up and a database it may write to (each figure is measured on sites made for it).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

GOATCOUNTER = "goatcounter/goatcounter-testdata-export.csv"
PLAUSIBLE = "plausible/csv_importer_test"
PLAUSIBLE_EXPECTED_PAGEVIEWS = 99  # what Plausible's own test asserts for these files
# The file's rows: 2 pageviews (neither of "/"), 1 event.
GOATCOUNTER_EXPECTED = {"home_page_visitors": 0, "pageviews": 2, "events": 1}


def _site(name: str):
    from accounts.models import User
    from sites.services import site_create

    owner, _ = User.objects.get_or_create(email="import-accuracy@example.com")
    return site_create(owner=owner, name=name, base_url=f"https://{name}.example")


def _import(site, path: Path) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_visits", str(site.pk), str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _day_figures(site) -> dict:
    """Per local day: visits (sessions), visitors, pageviews, events."""
    from visits.models import Visit
    from visits.stats.dimensions import TOTAL
    from visits.stats.figures import figure_rows
    from visits.stats.periods import period_resolve

    stamps = Visit.objects.filter(site=site).values_list("timestamp", flat=True)
    if not stamps.exists():
        return {}
    first, last = min(stamps).date() - timedelta(days=1), max(stamps).date() + timedelta(days=1)
    now = datetime.now(UTC) + timedelta(days=2)
    period = period_resolve(
        key="custom", tz_name=site.timezone, now=now, start=str(first), end=str(last)
    )
    rows = figure_rows(
        site=site, period=period, filters={}, dimension=TOTAL, now=now, by_day=True,
        with_sessions=True,
    )  # fmt: skip
    return {
        str(row.day): (row.sessions, row.visitors, row.pageviews, row.events)
        for row in rows
        if row.visitors or row.pageviews or row.events
    }


def _visitors(site, **where) -> int:
    """Distinct visitors (their hash is one per day), as the dashboard's panels count them."""
    from visits.models import Visit

    visits = Visit.objects.filter(site=site, **where).exclude(event="engagement")
    return visits.values("visitor_hash").distinct().count()


def goatcounter_figures(fixtures: Path) -> dict:
    from visits.models import Visit

    site = _site("goatcounter")
    _import(site, fixtures / GOATCOUNTER)
    visits = Visit.objects.filter(site=site)
    return {
        "home_page_visitors": _visitors(site, path="/"),
        "pageviews": visits.filter(event="pageview").count(),
        "events": visits.exclude(event="pageview").count(),
        "expected": GOATCOUNTER_EXPECTED,
    }


def plausible_figures(fixtures: Path, *, without_visitors_table: bool = False) -> dict:
    """Plausible's test files zipped as Plausible exports them. With `without_visitors_table`
    the days come from the other tables (the sources' Direct share is only measurable so: the
    test's imported_visitors file holds other days than its breakdowns)."""
    from visits.models import Visit

    site = _site("plausible-bare" if without_visitors_table else "plausible")
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "plausible-export.zip"
        with zipfile.ZipFile(archive, "w") as bundle:
            for member in sorted((fixtures / PLAUSIBLE).glob("*.csv")):
                if without_visitors_table and member.name.startswith("imported_visitors_"):
                    continue
                bundle.write(member, member.name)
        report = _import(site, archive)
    visitors, direct = _visitors(site), _visitors(site, referrer_domain="")
    return {
        "pageviews": Visit.objects.filter(site=site, event="pageview").count(),
        "expected_pageviews": None if without_visitors_table else PLAUSIBLE_EXPECTED_PAGEVIEWS,
        "visitors": visitors,
        "direct_visitors": direct,
        "direct_share": round(100 * direct / visitors, 1) if visitors else 0.0,
        "report": report.strip().splitlines(),
    }


def round_trip_figures(*, visits: int = 3000, days: int = 30) -> dict:
    """A demo site exported as the site page's CSV, imported into an empty site."""
    from visits.demo import demo_visits_create
    from visits.downloads import csv_lines
    from visits.models import Visit
    from visits.selectors import CSV_COLUMNS, visit_csv_rows, visit_list_for

    source, target = _site("demo-source"), _site("demo-target")
    demo_visits_create(site=source, visits=visits, days=days, now=datetime.now(UTC))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "visits.csv"
        lines = csv_lines(
            header=CSV_COLUMNS, rows=visit_csv_rows(visits=visit_list_for(site=source))
        )
        path.write_text("".join(lines), encoding="utf-8")
        _import(target, path)

    def details(site) -> Counter:
        rows = Visit.objects.filter(site=site).values_list(
            "timestamp", "props", "utm_source", "utm_medium", "utm_campaign", "screen"
        )
        return Counter(
            (stamp.date(), json.dumps(props, sort_keys=True), *rest) for stamp, props, *rest in rows
        )

    before, after = _day_figures(source), _day_figures(target)
    return {
        "days": len(before),
        "visitors": (sum(v[1] for v in before.values()), sum(v[1] for v in after.values())),
        "pageviews": (sum(v[2] for v in before.values()), sum(v[2] for v in after.values())),
        "visits": (sum(v[0] for v in before.values()), sum(v[0] for v in after.values())),
        "days_equal": before == after,
        "props_campaigns_screens_equal": details(source) == details(target),
    }


def import_figures(*, fixtures: Path) -> dict:
    figures = {"round_trip": round_trip_figures()}
    if (fixtures / GOATCOUNTER).is_file():
        figures["goatcounter"] = goatcounter_figures(fixtures)
    if (fixtures / PLAUSIBLE).is_dir():
        figures["plausible"] = plausible_figures(fixtures)
        figures["plausible_without_visitors_table"] = plausible_figures(
            fixtures, without_visitors_table=True
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--fixtures", default=str(PROJECT.parent / "shared" / "fixtures"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.child:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder}/accuracy.sqlite3",
                "SECRET_KEY": "benchmark",
                "DEBUG": "False",
                "LOG_LEVEL": "WARNING",
            }
            command = [sys.executable, __file__, "--child", "--fixtures", args.fixtures]
            return subprocess.run(command, env=env, cwd=PROJECT, check=False).returncode
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(import_figures(fixtures=Path(args.fixtures)), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
