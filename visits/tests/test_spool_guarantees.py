"""The spool's guarantees beyond exactly-once: a file is stored only into its own database,
a restarted server recovers orphans without traffic, a full disk costs no answered visit,
erasure reaches the spool, and old visitor salts expire without traffic."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import CHROME_UA
from visits.ingest.spool import Spool
from visits.ingest.spool_store import spool_recover_orphans
from visits.models import Visit, VisitorSalt
from visits.tests.servers import gunicorn, test_database_url
from visits.tests.test_spool import row

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

APPEND = (
    "from datetime import UTC, datetime\n"
    "from pathlib import Path\n"
    "from visits.ingest.bulk import visit_row\n"
    "from visits.ingest.spool import Spool\n"
    "from visits.models import Visit\n"
    "def visit(site_id, number):\n"
    "    return visit_row(Visit(site_id=site_id, timestamp=datetime.now(UTC),"
    " url=f'https://blog.example.com/{number}', visitor_hash=number))\n"
)


def run_script(script: str, *, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + APPEND + script],
        cwd=PROJECT,
        env=env,
        check=False,
        timeout=120,
        capture_output=True,
        text=True,
    )


def spool_and_die(*, site_id: int, directory: Path, count: int, database_url: str) -> None:
    """A process that spools `count` visits and is killed with SIGKILL."""
    result = run_script(
        f"spool = Spool(Path({str(directory)!r}), background=False)\n"
        f"for number in range({count}):\n"
        f"    spool.append(visit({site_id}, number))\n"
        "import os, signal\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n",
        database_url=database_url,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr


def wait_for(condition, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_files_of_another_database_are_left_alone_and_reported(site, tmp_path, settings, client):
    other_database = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    migrated = run_script(
        "from django.core.management import call_command\ncall_command('migrate', verbosity=0)\n",
        database_url=other_database,
    )
    assert migrated.returncode == 0, migrated.stderr
    spool_dir = tmp_path / "spool"
    # Another instance, on its own database, shares the directory and is killed.
    spool_and_die(site_id=site.pk, directory=spool_dir, count=20, database_url=other_database)

    assert spool_recover_orphans(directory=spool_dir) == 0
    assert not Visit.objects.exists()
    assert len(list(spool_dir.iterdir())) == 1

    settings.BEACON_SPOOL_DIR = spool_dir
    out = StringIO()
    call_command("spool_flush", stdout=out)
    assert "Stored 0 spooled visits" in out.getvalue()
    assert "Left 1 spool files of another database alone" in out.getvalue()
    settings.BEACON_WRITE_MODE = "spool"
    health = client.get("/healthz").json()
    assert health["spool"]["foreign_files"] == 1
    assert health["status"] == "ok", health

    assert len(list(spool_dir.iterdir())) == 1  # still there, for its own database


def test_a_started_server_recovers_orphans_and_expires_salts_without_traffic(site, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_and_die(site_id=site.pk, directory=spool_dir, count=40, database_url=test_database_url())
    today = timezone.now().date()
    VisitorSalt.objects.create(day=today - timedelta(days=5), salt=b"o" * 32)
    VisitorSalt.objects.create(day=today, salt=b"t" * 32)
    env = {
        "DATABASE_URL": test_database_url(),
        "BEACON_WRITE_MODE": "spool",
        "BEACON_SPOOL_DIR": str(spool_dir),
    }
    with gunicorn(env=env, log_path=tmp_path / "server.log", workers=2):
        # No request at all: the workers' start alone must do it.
        wait_for(
            lambda: (
                Visit.objects.count() == 40
                and list(VisitorSalt.objects.values_list("day", flat=True)) == [today]
            )
        )
        assert Visit.objects.count() == 40
        assert list(VisitorSalt.objects.values_list("day", flat=True)) == [today]
        wait_for(lambda: not list(spool_dir.glob("*.jsonl")) or _only_live_files(spool_dir))
        assert _only_live_files(spool_dir)


def _only_live_files(directory: Path) -> bool:
    # The workers' own (empty or not yet made) files may exist; the orphan is gone.
    return all(path.stat().st_size == 0 for path in directory.glob("*.jsonl"))


def test_a_full_disk_costs_no_answered_visit(site, tmp_path):
    # The spool file may not grow past a limit for a while (RLIMIT_FSIZE), then space returns.
    result = run_script(
        "import json, resource\n"
        f"spool = Spool(Path({str(tmp_path)!r}), background=False)\n"
        "answered = failed = 0\n"
        "def append(number):\n"
        "    global answered, failed\n"
        "    try:\n"
        f"        spool.append(visit({site.pk}, number))\n"
        "        answered += 1\n"
        "    except OSError:\n"
        "        failed += 1\n"
        "append(0)\n"
        "line = spool.path.stat().st_size\n"
        "hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (line * 2 + line // 2, hard))\n"
        "for number in range(1, 6):\n"
        "    append(number)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))\n"
        "for number in range(6, 10):\n"
        "    append(number)\n"
        "print(json.dumps({'answered': answered, 'failed': failed}))\n",
        database_url=test_database_url(),
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["failed"] >= 1

    assert spool_recover_orphans(directory=tmp_path) == counts["answered"]
    assert Visit.objects.count() == counts["answered"]
    assert list(tmp_path.iterdir()) == []


def test_a_spool_that_cannot_be_written_answers_503_and_shows_in_healthz(
    site, tmp_path, settings, client
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.BEACON_WRITE_MODE = "spool"
    settings.BEACON_SPOOL_DIR = blocker / "spool"

    response = client.get(
        f"/sites/{site.pk}/visit?url=https://blog.example.com/", HTTP_USER_AGENT=CHROME_UA
    )
    assert response.status_code == 503
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "error" in response.json()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "degraded"
    assert "cannot write to the spool" in health.json()["spool"]["error"]


def test_erasure_reaches_visits_waiting_in_the_spool(site, other_site, tmp_path):
    spool = Spool(tmp_path, background=False)  # a live process's file, not flushed yet
    spool.append(row(site, 1))  # 1 March 2026
    spool.append(row(other_site, 2))
    later = row(site, 3)
    later["timestamp"] = datetime(2026, 3, 2, 12, tzinfo=UTC)
    spool.append(later)

    call_command("erase_visits", str(site.pk), "--to", "2026-03-01", stdout=StringIO())
    spool.append({**row(site, 4), "timestamp": timezone.now()})  # after the erasure: kept

    assert spool.flush() == 3
    assert sorted(Visit.objects.values_list("visitor_hash", flat=True)) == [2, 3, 4]


def test_purge_visits_expires_old_salts_without_traffic():
    today = date(2026, 3, 20)
    for days_ago in (4, 2, 1, 0):
        VisitorSalt.objects.create(day=today - timedelta(days=days_ago), salt=b"s" * 32)
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    out = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: now)
        call_command("purge_visits", stdout=out)
    assert sorted(VisitorSalt.objects.values_list("day", flat=True)) == [
        date(2026, 3, 19),
        date(2026, 3, 20),
    ]
    assert "Expired 2 visitor salts" in out.getvalue()
