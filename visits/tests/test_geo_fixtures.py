"""GeoIP against MaxMind's own test databases (../shared/fixtures/geoip, from maxmind/MaxMind-DB):
a real City database's subdivisions, and a deliberately damaged one."""

import ipaddress
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from visits.ingest.geo import GeoLocator, Location
from visits.models import Visit

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "geoip"
pytestmark = pytest.mark.skipif(
    not FIXTURES.is_dir(),
    reason="MaxMind's test databases are in ../shared/fixtures/geoip (absent)",
)
# In GeoIP2-City-Test: England, then the county of West Berkshire, then the town of Boxford.
BOXFORD = "2.125.160.216"


@pytest.fixture
def real_database(settings, tmp_path):
    shutil.copy(FIXTURES / "GeoIP2-City-Test.mmdb", tmp_path / "GeoIP2-City.mmdb")
    settings.GEOIP_PATH = tmp_path
    return tmp_path


@pytest.fixture
def damaged_database(settings, tmp_path):
    shutil.copy(
        FIXTURES / "GeoIP2-City-Test-Broken-Double-Format.mmdb", tmp_path / "GeoIP2-City.mmdb"
    )
    settings.GEOIP_PATH = tmp_path
    return tmp_path


def test_region_is_the_first_level_subdivision_and_the_city_is_kept(real_database):
    location = GeoLocator(check_seconds=0).locate(BOXFORD)
    assert location == Location("GB", "United Kingdom", "England", "Boxford")


def test_every_record_of_the_source_data_gives_its_first_subdivision(real_database):
    # The JSON the test database was built from: each network with its record.
    records = json.loads((FIXTURES / "GeoIP2-City-Test.json").read_text())
    locator = GeoLocator(check_seconds=0)
    checked = 0
    for entry in records:
        for network, record in entry.items():
            address = ipaddress.ip_address(network.split("/")[0])
            subdivisions = record.get("subdivisions") or []
            if not subdivisions or not address.is_global:
                continue
            expected = subdivisions[0]["names"]["en"]
            assert locator.locate(str(address)).region == expected, network
            checked += 1
    assert checked >= 5


def test_a_damaged_database_is_broken_and_gives_no_location(damaged_database, caplog):
    locator = GeoLocator(check_seconds=0)
    assert locator.locate(BOXFORD) == Location()
    assert locator.status() == "broken"
    assert "unusable" in caplog.text
    assert "Traceback" not in caplog.text


def test_geoip_lookup_on_a_damaged_database_is_one_clear_line(damaged_database):
    with pytest.raises(CommandError, match=r"^No usable GeoIP database: cannot open .*City\.mmdb"):
        call_command("geoip_lookup", BOXFORD)


def test_geoip_lookup_prints_the_first_level_region(real_database, capsys):
    call_command("geoip_lookup", BOXFORD)
    assert "region=England, city=Boxford" in capsys.readouterr().out


@pytest.mark.django_db
def test_healthz_says_degraded_for_a_damaged_database_and_visits_are_still_stored(
    damaged_database, client, send
):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["geoip"] == "broken"

    assert send(data={"url": "https://blog.example.com/"}).status_code == 204
    visit = Visit.objects.get()
    assert (visit.country_code, visit.region, visit.city) == ("", "", "")
