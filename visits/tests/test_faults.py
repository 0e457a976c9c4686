"""Faults: with the database unreachable the beacon and /healthz answer 503 with JSON."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import CHROME_UA
from visits.tests.test_spool import free_port, wait_until_gone

PROJECT = Path(__file__).resolve().parents[2]


def get(url: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"User-Agent": CHROME_UA})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_unreachable_database_gives_503_json_not_a_traceback(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "SECRET_KEY": "fault-test",
        "DEBUG": "False",
        "HTTPS": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEACON_SPOOL_DIR": str(tmp_path / "spool"),
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
    }
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "tracker_project.wsgi:application",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    status, headers, body = get(f"http://127.0.0.1:{port}/healthz")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            assert status == 503
            assert json.loads(body) == {
                "status": "error",
                "database": "unavailable",
                "geoip": "missing",
            }

            status, headers, body = get(
                f"http://127.0.0.1:{port}/sites/1/visit?url=https%3A%2F%2Fblog.example.com%2F"
            )
            assert status == 503
            assert json.loads(body) == {"error": "Temporarily unavailable, try again later."}
            assert headers["Access-Control-Allow-Origin"] == "*"
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
            wait_until_gone(process_group=server.pid)
    assert "Beacon: the database is unavailable" in log_path.read_text()
