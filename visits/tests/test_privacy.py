"""No client address is kept: not in the database, not in our logs, not in gunicorn's."""

import io
import json
import socket
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from conftest import CHROME_UA
from visits.models import Visit
from visits.tests.geoip_data import BERLIN_V6, LONDON_V4
from visits.tests.servers import gunicorn, test_database_url

PROJECT = Path(__file__).resolve().parents[2]
ADDRESSES = (LONDON_V4, BERLIN_V6)


def test_no_address_in_database_dump_or_logs(
    client, site, owner, geoip_dir, settings, caplog, capfd
):
    settings.BEACON_RATE_LIMIT = "3/h"
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    for address in ADDRESSES:
        headers = {
            "REMOTE_ADDR": "10.0.0.2",
            "HTTP_X_FORWARDED_FOR": address,
            "HTTP_USER_AGENT": CHROME_UA,
        }
        beacon = f"/sites/{site.pk}/visit"
        assert (
            client.get(beacon, {"url": "https://blog.example.com/"}, **headers).status_code == 204
        )
        assert client.get(beacon, {"url": "https://evil.example/"}, **headers).status_code == 400
        assert (
            client.get("/sites/99999/visit", {"url": "https://x.example/"}, **headers).status_code
            == 404
        )
        assert (
            client.get(beacon, {"url": "https://blog.example.com/"}, **headers).status_code == 429
        )
        for _ in range(6):
            client.post(
                "/accounts/login/", {"username": owner.email, "password": "wrong"}, **headers
            )
        client.post("/accounts/register/", {"email": "x"}, **headers)
    assert Visit.objects.count() == 2
    assert {visit.city for visit in Visit.objects.all()} == {"London", "Berlin"}

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    logs = caplog.text + "".join(capfd.readouterr())
    for address in ADDRESSES:
        assert address not in dump.getvalue()
        assert address not in logs
    # The dump did hold the login attempts, under pseudonyms.
    assert {row["model"] for row in json.loads(dump.getvalue())} >= {
        "axes.accessattempt",
        "visits.visit",
    }


@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_has_no_client_address(site, tmp_path):
    env = {
        "DATABASE_URL": test_database_url(),
        "BEACON_WRITE_MODE": "direct",
        "TRUSTED_PROXY_COUNT": "1",
    }
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env=env, log_path=log_path) as base:
        request = urllib.request.Request(
            f"{base}/sites/{site.pk}/visit?url=https%3A%2F%2Fblog.example.com%2F",
            headers={"User-Agent": CHROME_UA, "X-Forwarded-For": LONDON_V4},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 204
    output = log_path.read_text()
    assert "/sites/" in output  # the access log was written
    assert LONDON_V4 not in output
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_server_logs_no_address_for_a_broken_request(tmp_path):
    log_path = tmp_path / "server.log"
    with gunicorn(env={"DATABASE_URL": test_database_url()}, log_path=log_path) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            client_port = connection.getsockname()[1]
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nNot a header line\r\n\r\n")
            assert connection.recv(1024).startswith(b"HTTP/1.1 400 ")
    output = log_path.read_text()
    assert "Invalid" in output  # the broken request was logged
    assert f":{client_port}" not in output
    assert "ip=" not in output
