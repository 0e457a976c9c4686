"""The spool's drainer process: the server's workers only append, one process stores every file,
and no visit answered 204 is lost or stored twice when workers or the drainer get real signals."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command

from conftest import CHROME_UA
from visits.ingest.spool import Spool
from visits.ingest.spool_drain import OPENING_SETTLE_SECONDS, spool_drain_round
from visits.models import SpoolProgress, Visit
from visits.tests.servers import gunicorn, test_database_url
from visits.tests.test_spool import row
from visits.tests.test_spool_guarantees import spool_and_die, wait_for

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def server_processes(spool_dir: Path) -> dict:
    """The pids of the server started for `spool_dir`: its arbiter, workers and drainer."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if f"BEACON_SPOOL_DIR={spool_dir}".encode() in environ and b"python" in command:
            found[int(entry.name)] = (parent, command)
    pids = set(found)
    drainers = [pid for pid, (_, command) in found.items() if b"spool_drain" in command]
    arbiters = [pid for pid, (parent, _) in found.items() if parent not in pids]
    workers = [pid for pid in pids if pid not in drainers and pid not in arbiters]
    return {"arbiter": arbiters, "workers": sorted(workers), "drainer": drainers}


def spool_env(spool_dir: Path) -> dict:
    return {
        "DATABASE_URL": test_database_url(),
        "BEACON_WRITE_MODE": "spool",
        "BEACON_SPOOL_DIR": str(spool_dir),
    }


def sender(base: str, site_id: int):
    def send(number: int) -> bool:
        page = quote(f"https://blog.example.com/{number}", safe="")
        request = urllib.request.Request(
            f"{base}/sites/{site_id}/visit?url={page}", headers={"User-Agent": CHROME_UA}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 204 and number
        except OSError:  # refused while a worker is replaced: not answered, not counted
            return False

    return send


def stored_urls(site) -> list[str]:
    return list(Visit.objects.filter(site=site).values_list("url", flat=True))


def test_a_killed_drainer_is_replaced_and_nothing_is_lost_or_doubled(site, tmp_path):
    spool_dir = tmp_path / "spool"
    with gunicorn(env=spool_env(spool_dir), log_path=tmp_path / "server.log", workers=2) as base:
        wait_for(lambda: len(server_processes(spool_dir)["drainer"]) == 1)
        first = server_processes(spool_dir)["drainer"]
        assert len(first) == 1
        send = sender(base, site.pk)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answered = [n for n in pool.map(send, range(150)) if n is not False]
            os.kill(first[0], signal.SIGKILL)  # in the middle of the traffic
            answered += [n for n in pool.map(send, range(150, 300)) if n is not False]
        # Still serving, with a new drainer storing what the killed one had not: workers only
        # append, so the visits sent after the kill are stored by its replacement alone.
        wait_for(lambda: len(stored_urls(site)) >= len(answered), seconds=60)
        urls = stored_urls(site)
        assert len(urls) == len(answered) == 300
        assert len(set(urls)) == len(urls)  # none stored twice


def test_a_killed_workers_file_is_stored_by_the_drainer_while_the_server_runs(site, tmp_path):
    spool_dir = tmp_path / "spool"
    with gunicorn(env=spool_env(spool_dir), log_path=tmp_path / "server.log", workers=2) as base:
        send = sender(base, site.pk)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answered = [n for n in pool.map(send, range(200)) if n is not False]
        workers = server_processes(spool_dir)["workers"]
        assert len(workers) == 2
        for worker in workers:
            os.kill(worker, signal.SIGKILL)
        # No spool_flush: the drainer adopts the killed workers' files and deletes them.
        wait_for(
            lambda: len(stored_urls(site)) == len(answered) and not _files_of(spool_dir, workers)
        )
        assert sorted(stored_urls(site)) == sorted(
            f"https://blog.example.com/{number}" for number in answered
        )
        assert not _files_of(spool_dir, workers)


def _files_of(spool_dir: Path, pids: list[int]) -> list[Path]:
    return [
        path for path in spool_dir.glob("*.jsonl") if any(f"-{pid}-" in path.name for pid in pids)
    ]


def test_sigterm_to_the_arbiter_alone_stores_everything_before_it_exits(site, tmp_path):
    # As a container runtime stops `tracker serve`: one SIGTERM to gunicorn, nothing else.
    spool_dir = tmp_path / "spool"
    environment = {
        **os.environ,
        "SECRET_KEY": "test-server",
        "DEBUG": "False",
        "HTTPS": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
        **spool_env(spool_dir),
    }
    from visits.tests.servers import free_port

    port = free_port()
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "tracker_project.wsgi:application",
                "--config",
                "python:tracker_project.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            cwd=PROJECT,
            env=environment,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(base))
            send = sender(base, site.pk)
            with ThreadPoolExecutor(max_workers=8) as pool:
                answered = [n for n in pool.map(send, range(200)) if n is not False]
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, (tmp_path / "server.log").read_text()
    assert not server_processes(spool_dir)["drainer"]  # it went with the server
    assert len(answered) == 200
    assert len(stored_urls(site)) == 200
    assert list(spool_dir.glob("*.jsonl")) == []


def _answers(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=1)
        return True
    except OSError as error:
        return getattr(error, "code", None) is not None  # an HTTP error is an answer too


def test_the_drain_command_stores_orphans_and_stops_on_sigterm(site, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_and_die(site_id=site.pk, directory=spool_dir, count=30, database_url=test_database_url())
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
        **spool_env(spool_dir),
    }
    drainer = subprocess.Popen(
        [sys.executable, "manage.py", "spool_drain"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: Visit.objects.count() == 30)
        drainer.send_signal(signal.SIGTERM)
        stdout, stderr = drainer.communicate(timeout=30)
    finally:
        if drainer.poll() is None:
            drainer.kill()
    assert drainer.returncode == 0, stderr
    assert f"Stored 30 spooled visits from {spool_dir}." in stdout
    assert Visit.objects.count() == 30
    assert list(spool_dir.glob("*.jsonl")) == []


def test_spool_flush_leaves_the_files_to_a_running_drainer(site, tmp_path, settings):
    spool_dir = tmp_path / "spool"
    settings.BEACON_SPOOL_DIR = spool_dir
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
        **spool_env(spool_dir),
    }
    drainer = subprocess.Popen(
        [sys.executable, "manage.py", "spool_drain"], cwd=PROJECT, env=environment
    )
    try:
        wait_for(lambda: any(spool_dir.glob(".drainer-*.lock")))
        time.sleep(0.5)  # the lock file exists once the drainer is about to take it
        out = io.StringIO()
        call_command("spool_flush", stdout=out)
        assert f"A running drainer stores the files in {spool_dir}; left to it." in out.getvalue()
    finally:
        drainer.send_signal(signal.SIGTERM)
        drainer.wait(timeout=30)
    out = io.StringIO()
    call_command("spool_flush", stdout=out)
    assert "Stored 0 spooled visits" in out.getvalue()


def test_a_drained_spool_closes_a_large_file_and_the_drainer_deletes_it(
    site, tmp_path, monkeypatch
):
    # About six rows to a file: ten rows close one file and leave the next one live.
    monkeypatch.setattr("visits.ingest.spool.ROTATE_BYTES", 3000)
    spool = Spool(tmp_path, drained=True)
    for number in range(10):
        spool.append(row(site, number))
    live = spool.path
    assert spool_drain_round(directory=tmp_path) == (10, 1)
    # Only the file still being written to is left; each closed one was stored and deleted.
    assert [path.name for path in tmp_path.glob("*.jsonl")] == [live.name]
    assert list(SpoolProgress.objects.values_list("name", flat=True)) == [live.name]
    spool.close()
    assert spool_drain_round(directory=tmp_path) == (0, 0)
    assert list(tmp_path.glob("*.jsonl")) == []
    assert sorted(Visit.objects.values_list("visitor_hash", flat=True)) == list(range(10))


def test_a_line_written_after_a_torn_one_is_still_read(site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(row(site, 1))
    whole = json.dumps({**row(site, 2), "timestamp": "2026-03-01T12:02:00+00:00"})
    with open(spool.path, "a") as spool_file:
        spool_file.write('{"site_id":' + str(site.pk) + ',"timestamp":"2026-03' + whole + "\n")
    assert spool.flush() == 2
    assert sorted(Visit.objects.values_list("visitor_hash", flat=True)) == [1, 2]


def test_thread_mode_starts_no_drainer_and_each_worker_stores_its_own(site, tmp_path):
    spool_dir = tmp_path / "spool"
    env = {**spool_env(spool_dir), "BEACON_SPOOL_DRAINER": "thread"}
    with gunicorn(env=env, log_path=tmp_path / "server.log", workers=2) as base:
        send = sender(base, site.pk)
        with ThreadPoolExecutor(max_workers=8) as pool:
            answered = [n for n in pool.map(send, range(100)) if n is not False]
        assert server_processes(spool_dir)["drainer"] == []
        wait_for(lambda: len(stored_urls(site)) == len(answered))
        assert len(stored_urls(site)) == len(answered) == 100


def test_a_file_left_while_being_opened_is_cleared(site, tmp_path):
    Spool(tmp_path, drained=True).append(row(site, 1))  # makes the database identity
    (name,) = [path.name for path in tmp_path.glob("*.jsonl")]
    left = tmp_path / name.replace(".jsonl", "-x.opening")
    left.write_bytes(b"")
    spool_drain_round(directory=tmp_path)
    assert left.exists()  # just made: maybe about to be locked by a worker opening it
    old = time.time() - OPENING_SETTLE_SECONDS - 1
    os.utime(left, (old, old))
    spool_drain_round(directory=tmp_path)
    assert not left.exists()


def test_a_file_taken_before_it_was_locked_is_opened_again(site, tmp_path, monkeypatch):
    # The race a drainer and a worker opening its file could run: the empty file is gone
    # before the worker names it. The worker opens another and the visit is kept.
    spool = Spool(tmp_path, drained=True)
    real_rename, taken = os.rename, []

    def rename_after_a_drainer_took_it(source, target):
        if not taken:
            taken.append(source)
            os.unlink(source)
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename_after_a_drainer_took_it)
    spool.append(row(site, 1))
    monkeypatch.undo()
    assert taken and not Path(taken[0]).exists()
    (path,) = tmp_path.glob("*.jsonl")
    assert path.read_bytes().count(b"\n") == 1


def test_the_arbiters_forks_wait_while_the_drainer_is_being_started():
    # A worker forked while Popen starts the drainer would inherit Popen's exec pipe and hold
    # the drainer's (re)start until that worker exits; the server's config serialises the two.
    script = """
import os, threading
import tracker_project.gunicorn_conf as conf
forked = threading.Event()
def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    forked.set()
with conf._spawning:
    worker = threading.Thread(target=fork)
    worker.start()
    waited = not forked.wait(1.0)
print(waited, forked.wait(30))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True"], result.stderr
