"""Render the README's screenshots from `seed_demo` data in Debian's Chromium.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

A throwaway SQLite database gets a demo owner and site (`seed_demo`) and an empty site; a
development server on a free local port serves them, and Playwright (with /usr/bin/chromium, never
a browser of its own) saves dashboard.png, empty-state.png, phone.png and dark.png.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Views, each clipped to its top part so a PNG stays well under 300 KB.
SHOTS = (
    ("dashboard.png", "dashboard", DESKTOP, "light", 1700),
    ("empty-state.png", "empty", DESKTOP, "light", 1100),
    ("phone.png", "dashboard", PHONE, "light", 1900),
    ("dark.png", "dashboard", DESKTOP, "dark", 1100),
)


def manage(*args: str, env: dict) -> str:
    """Run a manage.py command in the throwaway environment; its stdout."""
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("The development server stopped before it answered.")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"No answer from {url}.")


def seed(env: dict) -> tuple[str, str, int, int]:
    """A demo owner with a seeded site and an empty one: email, password, site ids."""
    manage("migrate", "--noinput", env=env)
    output = manage("seed_demo", "--visits", "6000", "--days", "40", "--seed", "7", env=env)
    email, password = re.search(r"Demo owner: (\S+)  password: (\S+)", output).groups()
    demo = int(re.search(r"to site (\d+)", output).group(1))
    empty = manage(
        "shell",
        "-c",
        "from accounts.models import User; from sites.services import site_create; "
        f"owner = User.objects.get(email={email!r}); "
        "print(site_create(owner=owner, name='New shop', base_url='https://shop.example.com').pk)",
        env=env,
    )
    return email, password, demo, int(empty.split()[-1])  # shell may print a banner first


def shoot(base: str, email: str, password: str, sites: dict, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, which, viewport, scheme, height in SHOTS:
            context = browser.new_context(viewport=viewport, color_scheme=scheme)
            page = context.new_page()
            page.goto(f"{base}/accounts/login/?next=/sites/")
            page.fill("input[name=username]", email)
            page.fill("input[name=password]", password)
            page.click("main button[type=submit]")
            page.wait_for_url("**/sites/")
            page.goto(f"{base}/sites/{sites[which]}/stats/")
            page.wait_for_load_state("networkidle")
            full = page.evaluate("document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(height, full)}
            page.screenshot(path=str(out / name), full_page=True, clip=clip)
            context.close()
            print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DEBUG": "True",
            "SECRET_KEY": "screenshots-only",
            "DATABASE_URL": f"sqlite:///{folder}/screenshots.sqlite3",
            "BEACON_RATE_LIMIT": "off",
        }
        email, password, demo, empty = seed(env)
        port = free_port()
        command = ["runserver", "--noreload", f"127.0.0.1:{port}"]
        server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
            [sys.executable, str(ROOT / "manage.py"), *command],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz", server)
            shoot(base, email, password, {"dashboard": demo, "empty": empty}, arguments.out)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
