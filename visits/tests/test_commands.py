import base64
import io
import tarfile
import threading
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from itertools import pairwise

import pytest
import time_machine
from django.core.management import CommandError, call_command

from sites.models import Site
from visits.models import Visit
from visits.tests.geoip_data import BERLIN_V6, LONDON_V4, PRIVATE_V4, UNKNOWN_V4


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_geoip_update_from_file_installs_atomically(settings, tmp_path, city_database_file):
    settings.GEOIP_PATH = tmp_path / "geoip"
    output = run("geoip_update", "--from-file", str(city_database_file))

    installed = tmp_path / "geoip" / "GeoLite2-City.mmdb"
    assert installed.read_bytes() == city_database_file.read_bytes()
    assert "Installed" in output and "GeoLite2-City" in output
    assert [p.name for p in installed.parent.iterdir()] == [
        "GeoLite2-City.mmdb"
    ]  # no temp files left


def test_geoip_update_refuses_a_corrupt_file_and_keeps_the_old_one(geoip_dir, tmp_path):
    before = (geoip_dir / "GeoLite2-City.mmdb").read_bytes()
    corrupt = tmp_path / "corrupt.mmdb"
    corrupt.write_bytes(b"garbage" * 1000)

    with pytest.raises(CommandError, match="not installed"):
        run("geoip_update", "--from-file", str(corrupt))

    assert (geoip_dir / "GeoLite2-City.mmdb").read_bytes() == before
    assert sorted(p.name for p in geoip_dir.iterdir()) == ["GeoLite2-City.mmdb"]


def test_geoip_update_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("geoip_update", "--from-file", str(tmp_path / "nope.mmdb"))


def test_geoip_update_without_credentials_says_what_to_set(settings):
    settings.MAXMIND_ACCOUNT_ID = ""
    settings.MAXMIND_LICENSE_KEY = ""
    with pytest.raises(CommandError, match="MAXMIND_ACCOUNT_ID"):
        run("geoip_update")


def _serve(archive: bytes, seen: list):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.send_header("Content-Length", str(len(archive)))
            self.end_headers()
            self.wfile.write(archive)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _tarball(mmdb: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("GeoLite2-City_20261124/GeoLite2-City.mmdb")
        info.size = len(mmdb)
        tar.addfile(info, io.BytesIO(mmdb))
    return buffer.getvalue()


def test_geoip_update_downloads_with_credentials(settings, tmp_path, city_database_file):
    seen = []
    server = _serve(_tarball(city_database_file.read_bytes()), seen)
    try:
        settings.GEOIP_DOWNLOAD_URL = f"http://127.0.0.1:{server.server_port}/download"
        settings.MAXMIND_ACCOUNT_ID = "12345"
        settings.MAXMIND_LICENSE_KEY = "secret"
        settings.GEOIP_PATH = tmp_path
        output = run("geoip_update")
    finally:
        server.shutdown()
    assert seen == ["Basic " + base64.b64encode(b"12345:secret").decode()]
    assert (tmp_path / "GeoLite2-City.mmdb").read_bytes() == city_database_file.read_bytes()
    assert "Installed" in output


def test_geoip_update_refuses_a_download_without_a_database(settings, tmp_path):
    server = _serve(b"not a tarball", [])
    try:
        settings.GEOIP_DOWNLOAD_URL = f"http://127.0.0.1:{server.server_port}/download"
        settings.MAXMIND_ACCOUNT_ID = "1"
        settings.MAXMIND_LICENSE_KEY = "k"
        settings.GEOIP_PATH = tmp_path
        with pytest.raises(CommandError, match=r"tar\.gz"):
            run("geoip_update")
    finally:
        server.shutdown()
    assert not (tmp_path / "GeoLite2-City.mmdb").exists()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (LONDON_V4, "country=United Kingdom (GB), region=England, city=London"),
        (BERLIN_V6, "country=Germany (DE), region=Land Berlin, city=Berlin"),
        (UNKNOWN_V4, "not in the database"),
        (PRIVATE_V4, "private or reserved"),
    ],
)
def test_geoip_lookup_prints_location(geoip_dir, address, expected):
    assert expected in run("geoip_lookup", address)


def test_geoip_lookup_rejects_a_non_address(geoip_dir):
    with pytest.raises(CommandError, match="Not an IP address"):
        run("geoip_lookup", "example.com")


def test_geoip_lookup_without_database_is_a_clear_error(settings, tmp_path):
    settings.GEOIP_PATH = tmp_path
    with pytest.raises(CommandError, match="No usable GeoIP database"):
        run("geoip_lookup", LONDON_V4)


@pytest.mark.parametrize(
    "arguments",
    [
        ["export_site", "999999"],
        ["erase_visits", "999999"],
        ["import_visits", "999999", "visits.csv"],
        ["seed_demo", "--site", "999999", "--visits", "1"],
    ],
)
@pytest.mark.django_db
def test_every_command_names_an_unknown_site_alike(arguments):
    with pytest.raises(CommandError, match=r"^There is no site 999999\.$"):
        call_command(*arguments, stdout=io.StringIO())


@pytest.mark.parametrize("minute", [0, 1, 30, 59])
@pytest.mark.django_db
def test_seed_demo_writes_no_visit_after_now(site, minute):
    now = datetime(2026, 3, 10, 14, minute, 30, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        call_command("seed_demo", "--site", str(site.pk), "--visits", "2000", "--days", "2")
    assert Visit.objects.filter(site=site).count() == 2000
    assert not Visit.objects.filter(site=site, timestamp__gt=now).exists()


@pytest.mark.django_db
def test_seed_demo_writes_visits_in_the_order_they_happened(site):
    """As a beacon writes them: a period's visits lie together, not across the whole table."""
    with time_machine.travel(datetime(2026, 3, 10, 14, tzinfo=UTC), tick=False):
        call_command("seed_demo", "--site", str(site.pk), "--visits", "3000", "--days", "10")
    written = list(Visit.objects.filter(site=site).order_by("id").values_list("timestamp"))
    moments = [moment for (moment,) in written]
    # Only a session running past midnight is written with the day it began.
    back = sum(earlier > later for earlier, later in pairwise(moments))
    assert len(moments) == 3000 and back < 30
    days = [moment.date() for moment in moments]
    assert len(set(days)) == 10 and days[0] == min(days) and days[-1] == max(days)


@pytest.mark.django_db
def test_seed_demo_makes_purchases_with_revenue_and_a_revenue_goal():
    with time_machine.travel(datetime(2026, 3, 10, 14, tzinfo=UTC), tick=False):
        call_command("seed_demo", "--visits", "3000", "--days", "7", stdout=io.StringIO())
    site = Site.objects.get(name="Demo site")
    goal = site.goals.get(value="purchase")
    assert (goal.kind, goal.currency) == ("event", "EUR")
    purchases = list(
        Visit.objects.filter(site=site, event="purchase").values_list(
            "props", "revenue_amount", "revenue_currency"
        )
    )
    assert purchases
    prices = {"pro": Decimal("19.00"), "team": Decimal("49.00")}
    assert all(
        amount == prices[props["plan"]] and code == "EUR" for props, amount, code in purchases
    )
    assert (
        not Visit.objects.filter(site=site, revenue_amount__isnull=False)
        .exclude(event="purchase")
        .exists()
    )


@pytest.mark.django_db
def test_seed_demo_leaves_postgresql_knowing_the_new_rows(site):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's (the CI's PostgreSQL leg runs this)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visits_visit")  # the empty table, as the planner first sees it
    call_command("seed_demo", "--site", str(site.pk), "--visits", "3000", "--days", "3")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'visits_visit'")
        (estimate,) = cursor.fetchone()
    assert estimate >= 2000  # the planner plans for thousands of visits, not for none
