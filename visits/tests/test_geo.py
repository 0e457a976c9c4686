import logging
import os
import shutil

import pytest

from visits.ingest.geo import GeoLocator, Location
from visits.tests.geoip_data import (
    BERLIN_V6,
    CHANGCHUN_V4,
    LONDON_V4,
    PRIVATE_V4,
    UNKNOWN_V4,
    build_city_database,
)


@pytest.fixture
def locator():
    return GeoLocator(check_seconds=0)


def test_ipv4_address_is_located(locator, geoip_dir):
    assert locator.locate(LONDON_V4) == Location("GB", "United Kingdom", "England", "London")
    assert locator.status() == "ok"


def test_ipv6_address_is_located(locator, geoip_dir):
    assert locator.locate(BERLIN_V6) == Location("DE", "Germany", "Land Berlin", "Berlin")


@pytest.mark.parametrize(
    "address",
    [UNKNOWN_V4, PRIVATE_V4, "10.0.0.1", "127.0.0.1", "::1", "fe80::1", "", None, "nonsense"],
)
def test_unknown_private_and_invalid_addresses_have_no_location(locator, geoip_dir, address):
    assert locator.locate(address) == Location()


def test_missing_database_gives_no_location_and_warns_once(locator, settings, tmp_path, caplog):
    settings.GEOIP_PATH = tmp_path / "nothing-here"
    with caplog.at_level(logging.WARNING, logger="visits.ingest.geo"):
        assert locator.locate(LONDON_V4) == Location()
        assert locator.locate(CHANGCHUN_V4) == Location()
    assert locator.status() == "missing"
    assert len([r for r in caplog.records if "not found" in r.getMessage()]) == 1


def test_corrupt_database_gives_no_location_and_warns_once(locator, settings, tmp_path, caplog):
    corrupt = tmp_path / "GeoLite2-City.mmdb"
    corrupt.write_bytes(b"this is not a maxmind database" * 100)
    settings.GEOIP_PATH = tmp_path
    with caplog.at_level(logging.WARNING, logger="visits.ingest.geo"):
        assert locator.locate(LONDON_V4) == Location()
        assert locator.locate(LONDON_V4) == Location()
    assert locator.status() == "broken"
    assert len([r for r in caplog.records if "unusable" in r.getMessage()]) == 1


def test_country_database_is_refused_as_broken(locator, settings, tmp_path):
    build_city_database(tmp_path / "GeoLite2-City.mmdb", database_type="GeoLite2-Country")
    settings.GEOIP_PATH = tmp_path
    assert locator.locate(LONDON_V4) == Location()
    assert locator.status() == "broken"


def test_path_may_name_the_file_itself(locator, settings, geoip_dir):
    settings.GEOIP_PATH = geoip_dir / "GeoLite2-City.mmdb"
    assert locator.locate(LONDON_V4).city == "London"


def test_geoip2_city_file_name_is_found_too(locator, settings, tmp_path, city_database_file):
    shutil.copy(city_database_file, tmp_path / "GeoIP2-City.mmdb")
    settings.GEOIP_PATH = tmp_path
    assert locator.locate(LONDON_V4).city == "London"


def test_reader_is_reused_and_reopened_when_file_is_replaced(locator, geoip_dir, tmp_path):
    assert locator.locate(LONDON_V4).city == "London"
    first_reader = locator._reader
    assert locator.locate(CHANGCHUN_V4).city == "Changchun"
    assert locator._reader is first_reader

    replacement = tmp_path / "new.mmdb"
    shutil.copy(geoip_dir / "GeoLite2-City.mmdb", replacement)
    os.replace(replacement, geoip_dir / "GeoLite2-City.mmdb")
    assert locator.locate(LONDON_V4).city == "London"
    assert locator._reader is not first_reader


def test_database_appearing_later_is_picked_up(locator, settings, tmp_path, city_database_file):
    settings.GEOIP_PATH = tmp_path
    assert locator.locate(LONDON_V4) == Location()
    shutil.copy(city_database_file, tmp_path / "GeoLite2-City.mmdb")
    assert locator.locate(LONDON_V4).city == "London"
    assert locator.status() == "ok"


def test_file_is_looked_at_no_more_than_once_a_second(geoip_dir, monkeypatch):
    locator = GeoLocator(check_seconds=60)
    assert locator.locate(LONDON_V4).city == "London"
    looks = []
    monkeypatch.setattr(locator, "_file_signature", lambda path: looks.append(path))
    for _ in range(100):
        assert locator.locate(LONDON_V4).city == "London"
    assert looks == []


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("GB-BNE", "England"),  # a London borough
        ("ES-M", "Madrid, Comunidad de"),  # a province
        ("FR-75C", "Île-de-France"),
        ("US-CA", "California"),  # already first-level
        ("XX-YY", ""),
        ("", ""),
    ],
)
def test_imported_regions_are_first_level_subdivisions_like_the_beacons(code, region):
    from visits.importers.hits import region_name

    assert region_name(code) == region
