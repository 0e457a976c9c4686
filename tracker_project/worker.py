"""The production server's worker: an event loop reads requests, threads run Django.

Gunicorn's thread workers park a thread on every connection until its request has arrived, so a
few dozen slow or idle clients hold them all and the beacon stops answering. This worker reads
headers and bodies on uvicorn's event loop (httptools) and hands a thread only complete
requests; a client that takes longer than `HEADER_TIMEOUT` for its headers or `BODY_TIMEOUT` for
its body is dropped (seconds, from the environment). Django stays a WSGI application (a2wsgi
runs it in a pool of `threads`), and gunicorn stays the process manager: its config, signals
and `worker_exit` hook work as before.
"""

import asyncio
import logging
import os
import signal
import time

from a2wsgi import WSGIMiddleware
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker

HEADER_TIMEOUT = float(os.environ.get("HEADER_TIMEOUT", "10"))
BODY_TIMEOUT = float(os.environ.get("BODY_TIMEOUT", "30"))
BODY_LIMIT = 10 * 1024 * 1024  # larger bodies are streamed to Django, which refuses them

access_logger = logging.getLogger("gunicorn.access")


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """HTTP/1.1 that closes a connection whose request headers are not complete in time."""

    _header_deadline = None

    def connection_made(self, transport):
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self):
        super().on_message_begin()
        if self._header_deadline is None:
            self._arm()

    def on_headers_complete(self):
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc):
        self._disarm()
        super().connection_lost(exc)

    def _arm(self):
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT, self._too_slow)

    def _disarm(self):
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self):
        self._header_deadline = None
        self.transport.close()


class BufferedWSGI:
    """ASGI in front of a WSGI app: the whole body is read on the loop before a thread runs it.

    Also writes the access log, in gunicorn's format without the client address.
    """

    def __init__(self, app, *, threads: int, access_log: bool = True):
        self.app = WSGIMiddleware(app, workers=threads)
        self.access_log = access_log

    def close(self) -> None:
        """Wait for the requests still running in threads (uvicorn may be done with them)."""
        self.app.executor.shutdown(wait=True)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.monotonic()
        messages = await self._read_body(receive)
        if messages is None:
            return await send_timeout(send)
        if not self.access_log:  # the log goes nowhere: nothing to count, nothing to format

            async def replay_only():
                return messages.pop(0) if messages else await receive()

            return await self.app(scope, replay_only, send)
        status = {"code": 0, "bytes": 0}

        async def replay():
            return messages.pop(0) if messages else await receive()

        async def send_logged(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "http.response.body":
                status["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay, send_logged)
        finally:
            log_access(scope, status, started)

    @staticmethod
    async def _read_body(receive):
        messages, size = [], 0
        try:
            async with asyncio.timeout(BODY_TIMEOUT):
                while True:
                    message = await receive()
                    messages.append(message)
                    size += len(message.get("body", b""))
                    if not message.get("more_body") or size > BODY_LIMIT:
                        return messages
        except TimeoutError:
            return None


async def send_timeout(send):
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [(b"content-type", b"text/plain"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": b"Request body too slow\n"})


def log_access(scope, status, started):
    if not access_logger.isEnabledFor(logging.INFO):
        return
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
    request_line = (
        f"{scope['method']} {target}{'?' + query if query else ''} HTTP/{scope['http_version']}"
    )
    agent = dict(scope["headers"]).get(b"user-agent", b"-").decode("latin-1")
    elapsed = int((time.monotonic() - started) * 1000)
    access_logger.info(
        '"%s" %s %s %sms "%s"', request_line, status["code"], status["bytes"], elapsed, agent
    )


class Worker(UvicornWorker):
    """Gunicorn worker class `tracker_project.worker.Worker` (set in gunicorn_conf.py)."""

    CONFIG_KWARGS = {
        "loop": "auto",
        "http": HeaderTimeoutProtocol,
        "lifespan": "off",
        "access_log": False,  # uvicorn's own log would name the client's address
        "proxy_headers": False,  # the app reads X-Forwarded-For itself (TRUSTED_PROXY_COUNT)
        "server_header": False,
    }

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = BufferedWSGI(
            self.wsgi, threads=max(self.cfg.threads, 1), access_log=self._access_log_wanted()
        )

    def _access_log_wanted(self) -> bool:
        """Whether an access line would be written anywhere at all."""
        if self.cfg.accesslog in (None, "", os.devnull):
            return False
        return access_logger.isEnabledFor(logging.INFO)

    def init_signals(self):
        super().init_signals()
        # uvicorn stops gracefully on these, then raises them again once done: they must then
        # end the process through gunicorn's exit path (worker_exit), not kill it outright.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda signum, frame: None)

    def run(self):
        try:
            super().run()
        finally:
            # Before gunicorn's worker_exit hook closes the spool: every visit answered is in it.
            self.wsgi.close()
