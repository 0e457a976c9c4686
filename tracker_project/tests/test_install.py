"""`pip install` of the built wheel is a working install: run from any folder, with no checkout,
`tracker serve` migrates, collects static files into DATA_DIR and serves every page."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from visits.tests.servers import free_port

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", folder, PROJECT],
        check=True,
        cwd=folder,
    )
    return next(folder.glob("tracker-*.whl"))


def test_the_wheel_carries_what_the_app_serves(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "tracker_project/templates/base.html",
        "tracker_project/locale/de/LC_MESSAGES/django.mo",
        "tracker_project/locale/fr/LC_MESSAGES/django.mo",
        "tracker_project/locale/es/LC_MESSAGES/django.mo",
        "tracker_project/static/js/tracker.js",
        "tracker_project/static/css/app.css",
        "tracker_project/gunicorn_conf.py",
        "tracker_project/manage.py",
        "visits/migrations/0001_initial.py",
    ):
        assert needed in names
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "tracker = tracker_project.manage:main" in text


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_an_installed_package_serves_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, wheel],
        check=True,
    )
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DEBUG", "DATABASE_URL", "GEOIP_PATH", "DATA_DIR", "BEACON_SPOOL_DIR")
    }
    environment.update(
        PYTHONPATH=str(site),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        SECRET_KEY="installed-package-test",
        HTTPS="False",
        DJANGO_SETTINGS_MODULE="tracker_project.settings",
        WEB_CONCURRENCY="1",
    )
    where = subprocess.run(
        [sys.executable, "-c", "import tracker_project; print(tracker_project.__file__)"],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site))  # the installed copy, not the checkout

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tracker_project.manage",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=elsewhere,
            env=environment,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, body = get(f"{base}/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"tracker serve did not start:\n{log.read_text()}"
                    ) from None
                time.sleep(0.2)
        assert '"status": "ok"' in body
        status, page = get(f"{base}/accounts/login/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', page).group(1)
        assert get(f"{base}{stylesheet}")[0] == 200
        assert get(f"{base}/")[0] == 200
        status, script = get(f"{base}/static/js/tracker.js")
        assert status == 200
        assert "data-endpoint" in script
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=40)
    data = tmp_path / "xdg" / "tracker"
    assert (data / "db.sqlite3").is_file()
    assert (data / "static" / "staticfiles.json").is_file()
    assert not list(elsewhere.iterdir())  # nothing written where it was started
