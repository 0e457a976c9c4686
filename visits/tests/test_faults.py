"""Faults: with the database unreachable the beacon and /healthz answer 503 with JSON."""

import json
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

from conftest import CHROME_UA
from visits.tests.servers import gunicorn

PROJECT = Path(__file__).resolve().parents[2]


def get(url: str) -> tuple[int, Message, str]:  # headers case-insensitive
    request = urllib.request.Request(url, headers={"User-Agent": CHROME_UA})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_unreachable_database_gives_503_json_not_a_traceback(tmp_path):
    env = {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "BEACON_SPOOL_DIR": str(tmp_path),
    }
    log_path = tmp_path / "server.log"
    with gunicorn(env=env, log_path=log_path) as base:
        status, _, body = get(f"{base}/healthz")
        assert status == 503
        assert json.loads(body) == {
            "status": "error",
            "database": "unavailable",
            "static": "ok",
            "geoip": "missing",
        }

        status, headers, body = get(f"{base}/sites/1/visit?url=https%3A%2F%2Fblog.example.com%2F")
        assert status == 503
        assert json.loads(body) == {"error": "Temporarily unavailable, try again later."}
        assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Beacon: the database is unavailable" in log_path.read_text()
