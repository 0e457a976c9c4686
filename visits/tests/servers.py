"""Running the production server (gunicorn with the repo's config) inside a test."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database this test runs on, for a server in another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


test_database_url.__test__ = False  # a helper, not a test


def wait_until_gone(*, process_group: int, timeout: float = 20) -> None:
    """Killed workers hold their files and locks until the kernel has fully ended them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process_group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("the server's processes did not go away")


def _wait_for_an_answer(base: str, *, server: subprocess.Popen, log_path: Path) -> None:
    # The arbiter listens before its workers have loaded Django (seconds on a loaded machine):
    # wait for a worker to answer, so a test's first requests don't time out in the backlog.
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # answered, even if the health check reports a problem
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError(f"gunicorn did not start:\n{log_path.read_text()}") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(*, env: dict, log_path: Path, workers: int = 1, threads: int = 4, kill: bool = False):
    """Serve the project under gunicorn on a free port; yield the base URL once it answers.

    On leaving, stop it with SIGTERM (a graceful stop), or SIGKILL with `kill=True`.
    """
    port = free_port()
    environment = {
        **os.environ,
        "SECRET_KEY": "test-server",
        "DEBUG": "False",
        "HTTPS": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
        **env,
    }
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
                str(workers),
                "--threads",
                str(threads),
            ],
            cwd=PROJECT,
            env=environment,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for_an_answer(base, server=server, log_path=log_path)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGKILL if kill else signal.SIGTERM)
            server.wait(timeout=40)
            wait_until_gone(process_group=server.pid)
