"""The production server under slow and idle clients: they never starve the beacon."""

import socket
import urllib.request
from contextlib import ExitStack
from urllib.parse import quote, urlsplit

import pytest

from conftest import CHROME_UA
from visits.models import Visit
from visits.tests.servers import gunicorn, test_database_url

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_CLIENTS = 32


def slow_connection(base: str, *, body: bool) -> socket.socket:
    """A client that has sent part of its request (headers, or headers and part of a body)."""
    address = urlsplit(base)
    connection = socket.create_connection((address.hostname, address.port), timeout=30)
    if body:
        connection.sendall(
            b"POST /sites/1/visit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"url": '
        )
    else:
        connection.sendall(b"GET /sites/1/visit?url=x HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return connection


def test_beacons_answer_while_32_slow_clients_hold_connections(site, tmp_path):
    env = {"DATABASE_URL": test_database_url(), "BEACON_WRITE_MODE": "direct"}
    # One worker with four threads: a server parking a thread per connection would be full.
    server = gunicorn(env=env, log_path=tmp_path / "server.log", workers=1, threads=4)
    with server as base, ExitStack() as stack:
        slow = [
            (stack.enter_context(slow_connection(base, body=number % 2 == 0)), number % 2 == 0)
            for number in range(SLOW_CLIENTS)
        ]
        for number in range(20):
            for connection, body in slow:  # each trickles one more body byte or header line
                connection.sendall(b" " if body else b"X-Slow: 1\r\n")
            page = quote(f"https://blog.example.com/{number}", safe="")
            request = urllib.request.Request(
                f"{base}/sites/{site.pk}/visit?url={page}", headers={"User-Agent": CHROME_UA}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 204
    assert Visit.objects.filter(site=site).count() == 20


def test_a_client_that_never_finishes_its_headers_is_disconnected(tmp_path):
    env = {"DATABASE_URL": test_database_url(), "HEADER_TIMEOUT": "1"}
    server = gunicorn(env=env, log_path=tmp_path / "server.log")
    with server as base, slow_connection(base, body=False) as connection:
        connection.settimeout(20)
        assert connection.recv(1024) == b""  # closed by the server, not by our timeout


def test_a_client_that_never_finishes_its_body_gets_408(tmp_path):
    env = {"DATABASE_URL": test_database_url(), "BODY_TIMEOUT": "1"}
    server = gunicorn(env=env, log_path=tmp_path / "server.log")
    with server as base, slow_connection(base, body=True) as connection:
        connection.settimeout(20)
        assert connection.recv(1024).startswith(b"HTTP/1.1 408 ")
