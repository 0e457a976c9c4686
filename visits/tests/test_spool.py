"""The spool: every visit answered 204 is stored exactly once, even when its worker is killed."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from conftest import CHROME_UA
from visits.models import SpoolProgress, Visit
from visits.spool import Spool, spool_recover_orphans

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def row(site, number):
    return (
        site.pk,
        datetime(2026, 3, 1, 12, number % 60, tzinfo=UTC),
        f"https://blog.example.com/{number}",
        f"/{number}",
        "",
        "",
        "pageview",
        "Firefox",
        "128",
        "Linux",
        "desktop",
        "DE",
        "Germany",
        "Berlin",
        "Berlin",
        number,
    )


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


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def test_orphaned_spool_of_a_killed_process_is_recovered(site, tmp_path):
    script = (
        "import os, signal, django; django.setup()\n"
        "from datetime import UTC, datetime\n"
        "from visits.spool import Spool\n"
        f"spool = Spool(__import__('pathlib').Path({str(tmp_path)!r}), background=False)\n"
        "for n in range(40):\n"
        f"    spool.append(({site.pk}, datetime.now(UTC), 'https://blog.example.com/', '/', '', '',"
        " 'pageview', '', '', '', '', '', '', '', '', n))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_gone(*, process_group: int, timeout: float = 20) -> None:
    """Killed workers hold their spool locks until the kernel has fully ended them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process_group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("the killed workers did not go away")


def test_killed_gunicorn_workers_lose_no_visit_they_answered(site, tmp_path, settings):
    port = free_port()
    spool_dir = tmp_path / "spool"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "BEACON_WRITE_MODE": "spool",
        "BEACON_SPOOL_DIR": str(spool_dir),
        "SECRET_KEY": "kill-test",
        "DEBUG": "False",
        "HTTPS": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "tracker_project.wsgi:application",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        answered = 0
        deadline = time.monotonic() + 30
        for number in range(200):
            page = quote(f"https://blog.example.com/{number}", safe="")
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/sites/{site.pk}/visit?url={page}",
                headers={"User-Agent": CHROME_UA},
            )
            while True:
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        answered += response.status == 204
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)  # the server is still starting
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # master and workers, no chance to flush
        server.wait(timeout=30)
        wait_until_gone(process_group=server.pid)

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
