"""The spool: every visit answered 204 is stored exactly once, even when its worker is killed."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command

from conftest import CHROME_UA
from visits.ingest.bulk import COLUMNS, props_json
from visits.ingest.spool import Spool
from visits.ingest.spool_store import spool_recover_orphans
from visits.models import SpoolProgress, Visit
from visits.tests.servers import gunicorn, test_database_url

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def row(site, number):
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        site_id=site.pk,
        timestamp=datetime(2026, 3, 1, 12, number % 60, tzinfo=UTC),
        url=f"https://blog.example.com/{number}",
        path=f"/{number}",
        event="pageview",
        browser="Firefox",
        country="Germany",
        city="Berlin",
        visitor_hash=number,
    )
    return values


def test_spooled_rows_are_stored_exactly_once(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    for number in range(250):
        spool.append(row(site, number))
    assert Visit.objects.count() == 0  # queued, not yet stored

    assert spool.flush() == 250
    assert spool.flush() == 0
    assert sorted(Visit.objects.values_list("visitor_hash", flat=True)) == list(range(250))
    assert SpoolProgress.objects.get().offset == spool.path.stat().st_size
    stored = Visit.objects.get(visitor_hash=7)
    assert (stored.url, stored.timestamp) == (
        "https://blog.example.com/7",
        datetime(2026, 3, 1, 12, 7, tzinfo=UTC),
    )


def test_a_spooled_line_is_the_json_the_standard_library_writes(site, tmp_path):
    # Files outlive a server (an upgrade drains what the old one wrote): the line format is
    # compact JSON with ISO 8601 times and UTF-8 text, whichever encoder writes it.
    spool = Spool(tmp_path, background=False)
    visit = {**row(site, 3), "city": "Zürich", "props": props_json({"plan": "prö"})}
    spool.append(visit)
    written = spool.path.read_bytes()
    expected = {**visit, "timestamp": visit["timestamp"].isoformat()}
    assert (
        written == (json.dumps(expected, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
    )
    assert spool.flush() == 1
    assert Visit.objects.get().city == "Zürich"


def test_a_half_written_line_waits_for_the_rest(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(row(site, 1))
    with open(spool.path, "ab") as spool_file:
        spool_file.write(b'[1, "2026-03-01T12:00:00+00:00", "https://blog.exa')
    assert spool.flush() == 1
    assert Visit.objects.count() == 1


def test_rows_of_a_deleted_site_are_dropped_others_kept(site, other_site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(row(site, 1))
    spool.append(row(other_site, 2))
    other_site.delete()
    assert spool.flush() == 1
    assert list(Visit.objects.values_list("visitor_hash", flat=True)) == [1]


def test_background_thread_stores_within_seconds(site, tmp_path):
    spool = Spool(tmp_path)
    spool.append(row(site, 1))
    deadline = time.monotonic() + 10
    while not Visit.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    spool.close()
    assert Visit.objects.count() == 1


def test_a_live_processes_file_is_not_taken_as_orphan(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(row(site, 1))
    assert spool_recover_orphans(directory=tmp_path) == 0
    assert spool.path.exists()


def test_orphaned_spool_of_a_killed_process_is_recovered(site, tmp_path):
    script = (
        "import os, signal, django; django.setup()\n"
        "from datetime import UTC, datetime\n"
        "from visits.ingest.spool import Spool\n"
        "from visits.ingest.bulk import visit_row\n"
        "from visits.models import Visit\n"
        f"spool = Spool(__import__('pathlib').Path({str(tmp_path)!r}), background=False)\n"
        "for n in range(40):\n"
        f"    spool.append(visit_row(Visit(site_id={site.pk}, timestamp=datetime.now(UTC),"
        " url='https://blog.example.com/', visitor_hash=n)))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, check=False, timeout=60
    )
    assert result.returncode == -signal.SIGKILL
    assert Visit.objects.count() == 0

    assert spool_recover_orphans(directory=tmp_path) == 40
    assert Visit.objects.count() == 40
    assert list(tmp_path.iterdir()) == []


def test_killed_gunicorn_workers_lose_no_visit_they_answered(site, tmp_path, settings):
    spool_dir = tmp_path / "spool"
    env = {
        "DATABASE_URL": test_database_url(),
        "BEACON_WRITE_MODE": "spool",
        "BEACON_SPOOL_DIR": str(spool_dir),
    }
    answered = 0
    # SIGKILL for master and workers on leaving: no chance to flush anything.
    with gunicorn(env=env, log_path=tmp_path / "server.log", workers=2, kill=True) as base:
        for number in range(200):
            page = quote(f"https://blog.example.com/{number}", safe="")
            request = urllib.request.Request(
                f"{base}/sites/{site.pk}/visit?url={page}", headers={"User-Agent": CHROME_UA}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                answered += response.status == 204

    assert answered == 200
    settings.BEACON_SPOOL_DIR = spool_dir
    call_command("spool_flush", stdout=None)
    assert Visit.objects.filter(site=site).count() == 200
    assert set(Visit.objects.values_list("url", flat=True)) == {
        f"https://blog.example.com/{number}" for number in range(200)
    }


def test_graceful_close_stores_everything_and_leaves_no_file(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    for number in range(5):
        spool.append(row(site, number))
    spool.close()
    assert Visit.objects.count() == 5
    assert list(tmp_path.iterdir()) == []
    assert not SpoolProgress.objects.exists()


def test_a_line_from_before_a_new_column_still_reads(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(row(site, 1))
    with open(spool.path, "a") as spool_file:
        old_line = {
            "site_id": site.pk,
            "timestamp": "2026-03-01T12:00:00+00:00",
            "url": "https://blog.example.com/old",
            "event": "pageview",
            "visitor_hash": 9,
        }
        spool_file.write(json.dumps(old_line) + "\n")
    assert spool.flush() == 2
    old = Visit.objects.get(visitor_hash=9)
    assert (old.url, old.screen, old.utm_source) == ("https://blog.example.com/old", "", "")
    assert old.props == {}


def test_event_properties_survive_the_spool(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    values = row(site, 3)
    values.update(event="signup", props=props_json({"plan": "pro", "note": 'ünïcode "quoted"'}))
    spool.append(values)
    spool.append(row(site, 4))
    assert spool.flush() == 2
    assert Visit.objects.get(visitor_hash=3).props == {"plan": "pro", "note": 'ünïcode "quoted"'}
    assert Visit.objects.get(visitor_hash=4).props == {}


def test_a_large_file_is_replaced_once_everything_in_it_is_stored(site, tmp_path, monkeypatch):
    monkeypatch.setattr("visits.ingest.spool.ROTATE_BYTES", 1000)
    spool = Spool(tmp_path, background=False)
    for number in range(10):
        spool.append(row(site, number))
    first = spool.path
    assert spool.flush() == 10
    assert spool.path != first and not first.exists()
    assert not SpoolProgress.objects.filter(name=first.name).exists()
    spool.append(row(site, 10))
    assert spool.flush() == 1
    assert Visit.objects.count() == 11


def test_graceful_stops_and_recycled_workers_lose_no_visit_they_answered(site, tmp_path, settings):
    spool_dir = tmp_path / "spool"
    env = {
        "DATABASE_URL": test_database_url(),
        "BEACON_WRITE_MODE": "spool",
        "BEACON_SPOOL_DIR": str(spool_dir),
        "GUNICORN_MAX_REQUESTS": "40",  # each worker is replaced several times under load
    }

    def send(number: int) -> bool:
        page = quote(f"https://blog.example.com/{number}", safe="")
        request = urllib.request.Request(
            f"{base}/sites/{site.pk}/visit?url={page}", headers={"User-Agent": CHROME_UA}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 204
        except OSError:  # refused while a worker is replaced: not answered, not counted
            return False

    server = gunicorn(env=env, log_path=tmp_path / "server.log", workers=2)
    with server as base, ThreadPoolExecutor(max_workers=16) as pool:
        answered = sum(pool.map(send, range(400)))
    # Stopped with SIGTERM: no spool_flush, every answered visit must already be stored.
    assert answered > 300
    assert Visit.objects.filter(site=site).count() == answered


def test_files_from_before_they_named_a_database_are_adopted_when_asked(site, settings, tmp_path):
    settings.BEACON_SPOOL_DIR = tmp_path
    line = {
        "site_id": site.pk,
        "timestamp": "2026-03-01T12:00:00+00:00",
        "url": "https://blog.example.com/old",
        "event": "pageview",
        "visitor_hash": 7,
    }
    legacy = tmp_path / "spool-oldhost-123-abcdef01.jsonl"
    legacy.write_text(json.dumps(line) + "\n")
    out = io.StringIO()
    call_command("spool_flush", stdout=out)
    assert "Stored 0 " in out.getvalue() and legacy.name in out.getvalue()
    assert legacy.exists() and not Visit.objects.exists()
    out = io.StringIO()
    call_command("spool_flush", "--adopt-unnamed", stdout=out)
    assert "Stored 1 " in out.getvalue()
    assert not legacy.exists()
    assert Visit.objects.get().url == "https://blog.example.com/old"


def test_a_line_spooled_before_sources_and_channels_gets_them(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(row(site, 1))
    with open(spool.path, "a") as spool_file:
        old_line = {
            "site_id": site.pk,
            "timestamp": "2026-03-01T12:00:00+00:00",
            "url": "https://blog.example.com/old?utm_medium=cpc",
            "referrer": "https://www.google.de/",
            "referrer_domain": "google.de",
            "utm_medium": "cpc",
            "event": "pageview",
            "visitor_hash": 9,
        }
        spool_file.write(json.dumps(old_line) + "\n")
    assert spool.flush() == 2
    old = Visit.objects.get(visitor_hash=9)
    assert (old.referrer_domain, old.referrer_source, old.channel) == (
        "google.de",
        "Google",
        "Paid Search",
    )


def test_a_forgotten_process_spool_stops_its_thread_and_leaves_its_file(site, settings, tmp_path):
    from visits.ingest.spool_process import process_spool, spool_forget

    settings.BEACON_SPOOL_DIR, settings.BEACON_SPOOL_DRAINER = tmp_path, "thread"
    spool = process_spool()
    spool.append(row(site, 1))
    assert spool._thread.is_alive()
    spool_forget()
    assert not spool._thread.is_alive()
    assert spool.path is None and len(list(tmp_path.glob("spool-*.jsonl"))) == 1
    assert process_spool() is not spool
    spool_forget()
    assert spool_recover_orphans(directory=tmp_path) <= 1  # stored once, if the thread had not
    assert Visit.objects.count() == 1
