"""City-level geolocation with a MaxMind GeoIP2/GeoLite2 database.

One reader per process, opened on first use and reused; when the file on disk is replaced
(by `manage.py geoip_update`) the next lookup reopens it. A missing or broken database never
stops ingestion: lookups then return no location, and a warning is logged once per state.
"""

import ipaddress
import itertools
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import geoip2.database
import maxminddb
from django.conf import settings

logger = logging.getLogger(__name__)

DATABASE_FILENAMES = ("GeoLite2-City.mmdb", "GeoIP2-City.mmdb")
# Records decoded when a database is opened: a damaged data section fails here, at once, rather
# than on the first visitor whose address lands in it.
_PROBED_RECORDS = 200
LOOKUP_ERRORS = (maxminddb.InvalidDatabaseError, ValueError, TypeError, KeyError)


@dataclass(frozen=True)
class Location:
    country_code: str = ""
    country: str = ""
    region: str = ""
    city: str = ""

    def visit_fields(self) -> dict[str, str]:
        """What a visit records of its location."""
        return {
            "country_code": self.country_code,
            "country": self.country,
            "region": self.region,
            "city": self.city,
        }


NOWHERE = Location()
_UNOPENED = object()


def geoip_database_path(configured: Path | str | None = None) -> Path:
    """The `.mmdb` file that GEOIP_PATH names: the file itself, or the first known one inside."""
    path = Path(configured if configured is not None else settings.GEOIP_PATH)
    if path.is_dir() or not path.suffix:
        for name in DATABASE_FILENAMES:
            if (path / name).exists():
                return path / name
        return path / DATABASE_FILENAMES[0]
    return path


def open_reader(path: Path) -> geoip2.database.Reader:
    """Open a city database, or raise ValueError saying why it can't be used."""
    try:
        with maxminddb.open_database(str(path)) as probe:
            for _ in itertools.islice(probe, _PROBED_RECORDS):
                pass
        reader = geoip2.database.Reader(str(path))
    except (OSError, *LOOKUP_ERRORS) as exc:
        raise ValueError(f"cannot open {path}: {exc}") from exc
    database_type = reader.metadata().database_type
    if "City" not in database_type:
        reader.close()
        raise ValueError(f"{path} is a {database_type} database, not a City database")
    return reader


class GeoLocator:
    """A lazily opened, shared reader that notices when its file is replaced."""

    def __init__(self, *, check_seconds: float = 1.0) -> None:
        # Looking at the file costs a few system calls: once a second is soon enough to notice
        # a replacement, and a changed GEOIP_PATH setting is noticed at once.
        self.check_seconds = check_seconds
        self._checked: tuple[object, float] = (None, 0.0)
        self._lock = threading.Lock()
        self._reader: geoip2.database.Reader | None = None
        self._raw: maxminddb.Reader | None = None  # the same file, read without geoip2's models
        self._signature: tuple | object | None = _UNOPENED
        self.state = "unknown"
        self.path: Path | None = None

    def _file_signature(self, path: Path) -> tuple | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _current_reader(self) -> geoip2.database.Reader | None:
        configured, now = settings.GEOIP_PATH, time.monotonic()
        last_configured, last_checked = self._checked
        if configured is last_configured and now - last_checked < self.check_seconds:
            return self._reader
        self._checked = (configured, now)
        path = geoip_database_path()
        signature = self._file_signature(path)
        if signature == self._signature:
            return self._reader
        with self._lock:
            if signature == self._signature:
                return self._reader
            self._reopen(path, signature)
            return self._reader

    def _reopen(self, path: Path, signature: tuple | None) -> None:
        old_reader, self._reader = self._reader, None
        old_raw, self._raw = self._raw, None
        self._signature, self.path = signature, path
        for old in (old_reader, old_raw):
            if old is not None:
                old.close()
        if signature is None:
            self.state = "missing"
            logger.warning(
                "GeoIP database not found at %s: visits are stored without location", path
            )
            return
        try:
            self._reader = open_reader(path)
            self._raw = maxminddb.open_database(str(path))
        except (ValueError, OSError, maxminddb.InvalidDatabaseError) as exc:
            self._reader = self._raw = None
            self.state = "broken"
            logger.warning("GeoIP database unusable (%s): visits are stored without location", exc)
            return
        self.state = "ok"

    def status(self) -> str:
        """'ok', 'missing' or 'broken', for the health check."""
        self._current_reader()
        return self.state

    def locate(self, address: str | None) -> Location:
        if not address:
            return NOWHERE
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return NOWHERE
        if not ip.is_global:
            return NOWHERE
        raw = self._raw if self._current_reader() is not None else None
        if raw is None:
            return NOWHERE
        try:
            # The plain record, as geoip2 would read it, without building its models.
            record = raw.get(ip)
        except LOOKUP_ERRORS as exc:
            # The file opened but part of it is damaged: say so once, and in the health check.
            if self.state != "broken":
                logger.warning(
                    "GeoIP database damaged (%s): visits are stored without location",
                    type(exc).__name__,
                )
            self.state = "broken"
            return NOWHERE
        return location_of(record) if record else NOWHERE


def location_of(record: dict) -> Location:
    """What a visit records of a City database's record (as maxminddb reads it). The region is
    the first-level subdivision (England, Bavaria, California), as peers and their exports show
    it; the city stays."""
    country = record.get("country") or {}
    subdivisions = record.get("subdivisions") or [{}]
    return Location(
        country_code=(country.get("iso_code") or "")[:2],
        country=_english(country)[:100],
        region=_english(subdivisions[0])[:100],
        city=_english(record.get("city") or {})[:100],
    )


def _english(place: dict) -> str:
    return (place.get("names") or {}).get("en") or ""


geolocator = GeoLocator()
