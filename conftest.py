"""Fixtures shared by every app's tests."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.db import connections
from django.utils import translation

from accounts.services import user_register
from sites.services import site_create
from visits.tests.geoip_data import build_city_database

PASSWORD = "correct horse battery staple"
CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium calls itself HeadlessChrome, which the beacon rightly skips as a bot.
CHROME_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parent / "artifacts"))


@pytest.fixture(autouse=True)
def _default_language():
    # A request activates its language in the thread and leaves it: the next test starts afresh.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs `collectstatic`; tests read static files straight from static/.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_beacon_site_cache():
    # Test databases reuse ids; a site cached by an earlier test must not leak into the next.
    from visits.ingest.site_cache import beacon_site_forget

    beacon_site_forget()
    yield
    beacon_site_forget()


@pytest.fixture(autouse=True)
def _no_spool_left_running():
    # A test's beacon may start the process spool's flusher; left running, it stores into the
    # databases of the tests that follow.
    from visits.ingest.spool_process import spool_forget

    yield
    spool_forget()


@pytest.fixture(scope="session")
def city_database_file(tmp_path_factory):
    return build_city_database(tmp_path_factory.mktemp("geoip-src") / "GeoLite2-City.mmdb")


@pytest.fixture
def geoip_dir(tmp_path, settings, city_database_file):
    """GEOIP_PATH pointing at a folder with a fresh copy of the test City database."""
    folder = tmp_path / "geoip"
    folder.mkdir()
    shutil.copy(city_database_file, folder / "GeoLite2-City.mmdb")
    settings.GEOIP_PATH = folder
    return folder


@pytest.fixture(params=["rollups", "raw"])
def mode(request, monkeypatch):
    """Run a figures test twice: from rollups, and from raw visits only."""
    if request.param == "raw":
        from visits.stats import figures as stats
        from visits.stats import performance

        monkeypatch.setattr(stats, "rollup_ensure", lambda **kwargs: date.min)
        for module in (stats, performance):  # nor the views' per-day cache
            monkeypatch.setattr(module, "view_cached", lambda **kwargs: None)
    return request.param


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def owner(db):
    return user_register(email="owner@example.com", password=PASSWORD, name="Olive Owner")


@pytest.fixture
def other_owner(db):
    return user_register(email="other@example.org", password=PASSWORD, name="Otto Other")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(email="root@example.com", password=PASSWORD)


@pytest.fixture
def site(owner):
    return site_create(owner=owner, name="Blog", base_url="https://blog.example.com")


@pytest.fixture
def other_site(other_owner):
    return site_create(owner=other_owner, name="Shop", base_url="https://shop.example.org")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def chromium_path():
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """Debian's Chromium driven by Playwright; never a browser Playwright downloads itself."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test still reads the database synchronously.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
        # Queries made while Playwright's loop runs use their own connection: close it, or
        # PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
