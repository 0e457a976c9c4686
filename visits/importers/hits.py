"""What every importer produces: one `ImportedHit` per visit to store, or a reason to skip a row.

Readers turn a source's rows into these; `visits.importers.service` stores them. A hit's `key`
identifies its source row, so importing the same file twice stores each visit once.
"""

import contextlib
import csv
import functools
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

import pycountry

from visits.downloads import FORMULA_STARTS
from visits.models import PAGEVIEW


@dataclass(frozen=True)
class ImportedHit:
    timestamp: datetime  # aware
    url: str  # the page, absolute
    key: str  # what makes this row this row: its text, with its place among identical ones
    referrer: str = ""
    # The referrer domain to store when the source names it ("Hacker News", or our own CSV's
    # column); None: found from `referrer`.
    source: str | None = None
    event: str = PAGEVIEW
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    device: str = ""
    screen: str = ""
    country_code: str = ""
    country: str = ""
    region: str = ""
    city: str = ""
    props: dict = field(default_factory=dict)
    campaign: dict | None = None  # utm_* as recorded; None: read them from the page's address
    visitor: str = ""  # whatever tells visitors apart in the source; hashed per day, never kept
    visitor_hash: int | None = None  # our own exports carry the hash itself
    revenue: dict | None = None  # {"amount": "12.50", "currency": "EUR"}, checked like the beacon's
    metrics: dict = field(default_factory=dict)  # an engagement ping's, by beacon parameter
    line: int = 0  # where it came from, for the report


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str
    detail: str = ""


class FormatError(ValueError):
    """The file as a whole can't be read in the chosen format (nothing is imported)."""


def parse_time(text: str) -> datetime:
    """An ISO 8601 / RFC 3339 time, or `YYYY-MM-DD HH:MM:SS` (UTC when it names no offset)."""
    value = (text or "").strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=(code or "").upper()) if code else None
    if country is None:
        return ""
    return getattr(country, "common_name", None) or country.name


@functools.lru_cache(maxsize=4096)
def country_code_for(name: str) -> str:
    """Our CSV names countries; find the code the dashboard's flags need."""
    if not name:
        return ""
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return ""


@functools.lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """'US-CA' -> 'California'; '' when unknown. A lower subdivision gives its first-level one
    ('GB-BNE', the London borough of Barnet -> 'England'), as the beacon records regions."""
    if not code or "-" not in code:
        return ""
    subdivision = pycountry.subdivisions.get(code=code.upper())
    while subdivision is not None and subdivision.parent_code:
        subdivision = pycountry.subdivisions.get(code=subdivision.parent_code)
    return subdivision.name if subdivision else ""


def undefuse(text: str) -> str:
    """Our CSV exports put a ' before cells a spreadsheet would run as a formula: take it off."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def page_address(base_url: str, path: str, query: str = "") -> str:
    """An absolute page URL from a source that only keeps paths."""
    path = path if path.startswith("/") else "/" + path
    query = query.lstrip("?")
    return base_url.rstrip("/") + path + (f"?{query}" if query else "")


def split_version(text: str) -> tuple[str, str]:
    """'Chrome 120' -> ('Chrome', '120'); 'Mac OS X 14.1' -> ('Mac OS X', '14.1')."""
    name, _, version = (text or "").strip().rpartition(" ")
    if name and version[:1].isdigit():
        return name, version
    return (text or "").strip(), ""


class RowKeys:
    """Import keys: a digest of a row's text. Identical rows (two hits in the same second, say)
    are told apart by their order, so re-reading a file gives every row the same key again."""

    def __init__(self, source: str):
        self.source = source.encode()
        self.seen: set[bytes] = set()
        self.repeats: dict[bytes, int] = {}

    def key(self, *parts: str) -> str:
        digest = hashlib.blake2b(
            "\x1f".join(parts).encode(), digest_size=16, person=self.source[:16]
        ).digest()
        if digest in self.seen:
            count = self.repeats.get(digest, 1)
            self.repeats[digest] = count + 1
            return hashlib.blake2b(digest + str(count).encode(), digest_size=16).hexdigest()
        self.seen.add(digest)
        return digest.hex()


def csv_records(stream: BinaryIO) -> Iterator[tuple[int, list[str] | None]]:
    """(line, cells) for each record of a CSV file; cells are None for a record that isn't CSV.
    Bad bytes become U+FFFD rather than stopping the import."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    try:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield line, None
                continue
            if cells:
                yield line, cells
    finally:
        release(text)


def release(text: io.TextIOWrapper) -> None:
    """Let go of a reader's text layer without closing the caller's file beneath it."""
    with contextlib.suppress(ValueError):  # the file was closed already
        text.detach()
