"""The server's access log: written when it goes somewhere, not even formatted otherwise."""

import asyncio
from types import SimpleNamespace

import pytest

from tracker_project import worker


def answer_204(environ, start_response):
    start_response("204 No Content", [])
    return [b""]


def serve_one(app) -> list[dict]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/sites/1/visit",
        "raw_path": b"/sites/1/visit",
        "query_string": b"",
        "http_version": "1.1",
        "headers": [(b"user-agent", b"test")],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
        "scheme": "http",
        "root_path": "",
    }
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@pytest.mark.parametrize("access_log", [True, False])
def test_the_access_line_is_made_only_when_it_is_written(access_log, monkeypatch):
    lines = []
    monkeypatch.setattr(worker, "log_access", lambda *args: lines.append(args))
    app = worker.BufferedWSGI(answer_204, threads=1, access_log=access_log)
    try:
        sent = serve_one(app)
    finally:
        app.close()
    assert sent[0]["status"] == 204
    assert len(lines) == (1 if access_log else 0)


@pytest.mark.parametrize(
    ("accesslog", "wanted"),
    [("-", True), ("/var/log/x.log", True), ("/dev/null", False), (None, False)],
)
def test_an_access_log_sent_nowhere_is_not_wanted(accesslog, wanted):
    fake = SimpleNamespace(cfg=SimpleNamespace(accesslog=accesslog))
    assert worker.Worker._access_log_wanted(fake) is wanted
