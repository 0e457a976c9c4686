import shutil

import pytest

from visits.tests.geoip_data import build_city_database

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


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


@pytest.fixture
def beacon_url(site):
    return f"/sites/{site.pk}/visit"


@pytest.fixture
def send(client, beacon_url):
    """Call the beacon like a browser would: a real user agent and a public address."""

    def _send(method="get", data=None, path=None, **extra):
        extra.setdefault("HTTP_USER_AGENT", BROWSER_UA)
        extra.setdefault("REMOTE_ADDR", "81.2.69.142")
        return getattr(client, method)(path or beacon_url, data, **extra)

    return _send
