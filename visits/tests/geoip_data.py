"""Small GeoIP2 City databases built by the tests themselves (no download)."""

from pathlib import Path

from mmdb_writer import MMDBWriter
from netaddr import IPSet

LONDON_V4 = "81.2.69.142"
CHANGCHUN_V4 = "175.16.199.7"
BERLIN_V6 = "2a02:8100::1"
UNKNOWN_V4 = "8.8.8.8"
PRIVATE_V4 = "192.168.1.20"


def _record(iso: str, country: str, region: str, city: str) -> dict:
    return {
        "country": {"iso_code": iso, "names": {"en": country}},
        "subdivisions": [{"iso_code": region[:3].upper(), "names": {"en": region}}],
        "city": {"names": {"en": city}},
    }


def build_city_database(path: Path, *, database_type: str = "GeoLite2-City") -> Path:
    writer = MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type=database_type,
        languages=["en"],
        description="Tracker test data",
    )
    writer.insert_network(
        IPSet(["81.2.69.0/24"]), _record("GB", "United Kingdom", "England", "London")
    )
    writer.insert_network(
        IPSet(["175.16.199.0/24"]), _record("CN", "China", "Jilin Sheng", "Changchun")
    )
    writer.insert_network(
        IPSet(["2a02:8100::/32"]), _record("DE", "Germany", "Land Berlin", "Berlin")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.to_db_file(str(path))
    return path
