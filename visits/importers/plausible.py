"""Plausible's CSV export: a zip of daily aggregates (`imported_pages_20240101_20241231.csv`,
`imported_visitors_...`, sources, locations, browsers, operating systems, devices and custom
events), not single visits.

Each day is laid out again as visits that add up to the export's figures: the day's visitors
become that many visitors here; each page gets exactly its pageviews, spread over exactly its
number of visitors; and each breakdown (sources, countries, browsers, systems, devices, custom
events) gives exactly its number of visitors its value. What the export doesn't say, it can't
restore: which breakdown values went together (a country with a browser), the time of day
(visits are spread evenly over the day), cities (Plausible keeps them as GeoNames ids) and so
the exact visits, bounces and durations, which follow from the layout.
"""

import hashlib
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import BinaryIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sites.models import Site
from visits.importers import umami
from visits.importers.hits import (
    FormatError,
    ImportedHit,
    Skipped,
    country_name,
    csv_records,
    page_address,
    region_name,
)
from visits.importers.layout import apportion, pages_adding_up, total_of
from visits.ingest.names import browser_name, device_name, os_name
from visits.stats.periods import local_bounds

FILE_NAME = re.compile(r"^(?:imported_)?([a-z_]+)_\d{8}_\d{8}\.csv$")
TABLES = (
    "visitors", "pages", "sources", "locations", "browsers", "operating_systems", "devices",
    "custom_events",
)  # fmt: skip
NUMBERS = ("visitors", "pageviews", "events", "visits")
BREAKDOWNS = ("sources", "locations", "browsers", "operating_systems", "devices")
DAY = timedelta(days=1)
MAX_DAY_HITS = 5_000_000
MAX_UNPACKED = 4 * 1024**3  # a zip bomb's members add up to more than any real export
NOT_READ = {
    "entry_pages": "entry pages follow from the laid-out visits",
    "exit_pages": "exit pages follow from the laid-out visits",
}
# Where a day's pageviews beyond those its pages list are put: a page no one mistakes for real.
UNLISTED_PAGE = "/(page not in export)"


def looks_like(stream: BinaryIO) -> bool:
    return zipfile.is_zipfile(stream)


@dataclass
class _Visitor:
    """One laid-out visitor of one day: what the breakdowns gave them, and their hits."""

    attributes: dict = field(default_factory=dict)
    pages: list = field(default_factory=list)  # (page, how many views, key)
    events: list = field(default_factory=list)  # (name, page, link, key)


def read(stream: BinaryIO, *, site: Site) -> Iterator[ImportedHit | Skipped]:
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as error:
        raise FormatError(
            "This is not a Plausible export: Plausible exports a .zip file."
        ) from error
    if umami.is_metrics_zip(stream):
        raise FormatError(umami.METRICS_REFUSED)
    if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED:
        raise FormatError(f"This zip unpacks to more than {MAX_UNPACKED:,} bytes.")
    days: dict[str, dict[date, list[dict]]] = {table: defaultdict(list) for table in TABLES}
    present = set()
    for name in sorted(archive.namelist()):
        match = FILE_NAME.match(name.rsplit("/", 1)[-1])
        if not match or match[1] not in TABLES:
            if not name.endswith("/"):
                yield Skipped(0, "file not read", f"{name}: {NOT_READ.get(match and match[1], '')}")
            continue
        present.add(match[1])
        with archive.open(name) as member:
            yield from _rows_of(member, name, days[match[1]])
    # The day's totals are imported_visitors' (as Plausible counts them); an export without it
    # is counted from its pages.
    totals = "visitors" if "visitors" in present else "pages"
    if not days[totals]:
        raise FormatError(f"This Plausible export has no imported_{totals} file, or it is empty.")
    for rows in days.values():
        for day in sorted(set(rows) - set(days[totals])):
            for row in rows[day]:
                yield Skipped(
                    row["_line"], f"day not in imported_{totals}", f"{row['_file']}: {day}"
                )
    tz = ZoneInfo(site.timezone)
    for day in sorted(days[totals]):
        yield from _day_hits(
            site, tz, day, {table: rows.get(day, []) for table, rows in days.items()}
        )


def _rows_of(member, name: str, into: dict[date, list[dict]]) -> Iterator[Skipped]:
    records = csv_records(member)
    _, header = next(records, (0, None))
    if not header or "date" not in header:
        yield Skipped(0, "malformed file", f"{name}: no header with a date column")
        return
    for line, cells in records:
        if cells is None or len(cells) != len(header):
            yield Skipped(line, "malformed row", f"{name}: expected {len(header)} cells")
            continue
        row = dict(zip(header, cells, strict=True))
        try:
            day = date.fromisoformat(row["date"])
            for number in NUMBERS:
                if number in row:
                    row[number] = int(row[number] or 0)
                    if row[number] < 0:
                        raise ValueError(number)
        except ValueError:
            yield Skipped(line, "malformed row", f"{name}: unreadable date or count")
            continue
        row["_line"], row["_file"] = line, name.rsplit("/", 1)[-1]
        into[day].append(row)


def _day_hits(site: Site, tz: ZoneInfo, day: date, tables: dict) -> Iterator[ImportedHit | Skipped]:
    pages = sorted(tables["pages"], key=lambda row: (-row["pageviews"], row["page"]))
    totals = tables["visitors"][0] if tables["visitors"] else {}
    if "visitors" in totals:
        count, views = totals["visitors"], totals.get("pageviews", total_of(pages, "pageviews"))
    else:  # the day's visitors are at least those of its busiest page and of each breakdown
        count = max(
            [total_of(tables[table], "visitors") for table in BREAKDOWNS]
            + [row["visitors"] for row in pages]
        )
        # Each of them viewed a page at least: those no listed page reached too.
        views = total_of(pages, "pageviews") + max(count - total_of(pages, "visitors"), 0)
    if count == 0:
        if views or tables["pages"]:
            yield Skipped(
                totals.get("_line", 0), "day without visitors", f"{day}: {views} pageviews"
            )
        return
    pages = pages_adding_up(pages, views, count, unlisted=UNLISTED_PAGE)
    hits = views + total_of(tables["custom_events"], "events")
    if max(count, hits) > MAX_DAY_HITS:
        # A day is laid out in memory: refuse a figure no real export holds, not the machine.
        yield Skipped(
            0, "day too large to lay out", f"{day}: {max(count, hits):,} visitors or hits"
        )
        return
    people = [_Visitor() for _ in range(count)]
    for table, values in (("sources", _source), ("locations", _location), ("browsers", _browser),
                          ("operating_systems", _system), ("devices", _device)):  # fmt: skip
        _give(people, tables[table], values)
    for table in BREAKDOWNS:
        for row in tables[table]:
            if row.get("_left_out"):
                yield Skipped(row["_line"], "more values than the day's visitors", row["_file"])
    _lay_out_pages(people, pages, day)
    _lay_out_events(people, tables["custom_events"], day)
    start, end = local_bounds(day, day, tz)
    spacing = (end - start) / count
    for number, person in enumerate(people):
        yield from _person_hits(site, person, number, start + spacing * number, end)


def _give(people: list[_Visitor], rows: list[dict], values: Callable[[dict], dict]) -> None:
    """The first n visitors get the biggest row's value, the next m the next row's, and so on.
    Rows adding up to more than the day's visitors are scaled down together, so small values
    keep a visitor; a row left with none (more values than visitors) is marked `_left_out`."""
    ranked = sorted(rows, key=lambda row: -row.get("visitors", 0))
    shares = apportion([row.get("visitors", 0) for row in ranked], len(people))
    position = 0
    for row, share in zip(ranked, shares, strict=True):
        if share == 0 and row.get("visitors", 0) > 0:
            row["_left_out"] = True
        for person in people[position : position + share]:
            person.attributes.update(values(row))
        position += share


def _source(row: dict) -> dict:
    referrer = row.get("referrer", "").strip()
    campaign = {
        name: row[name] for name in ("utm_source", "utm_medium", "utm_campaign", "utm_content",
                                     "utm_term") if row.get(name)
    }  # fmt: skip
    values = {"campaign": campaign}
    if referrer:
        values["referrer"] = referrer if "://" in referrer else f"https://{referrer}/"
    elif row.get("source", "").strip():
        # Only the source's name ("Google", "Hacker News"): stored as its referrer domain.
        values["source"] = row["source"].strip()
    return values


def _browser(row: dict) -> dict:
    return {"browser": browser_name(row["browser"])}


def _system(row: dict) -> dict:
    return {"os": os_name(row["operating_system"])}


def _device(row: dict) -> dict:
    return {"device": device_name(row["device"])}


def _location(row: dict) -> dict:
    code = row.get("country", "").strip().upper()[:2]
    return {
        "country_code": code,
        "country": country_name(code),
        "region": region_name(row.get("region", "")),
    }


def _lay_out_pages(people: list[_Visitor], pages: list[dict], day: date) -> None:
    """Each page's views go to exactly its number of visitors, taken in turn round the day's
    visitors, so every visitor with a page is counted once."""
    cursor = 0
    seen: Counter = Counter()  # a row repeated in the export is a second row, not the same one
    for row in pages:
        views = row["pageviews"]
        viewers = min(max(row["visitors"], 1), views, len(people))
        name = f"{day}|page|{row.get('hostname', '')}|{row['page']}"
        seen[name] += 1
        for index in range(viewers):
            share = views // viewers + (1 if index < views % viewers else 0)
            key = f"{name}|{seen[name]}|{index}"
            people[(cursor + index) % len(people)].pages.append((row["page"], share, key))
        cursor += viewers


def _lay_out_events(people: list[_Visitor], rows: list[dict], day: date) -> None:
    """Each event row's events go to its number of visitors, chosen among those who viewed
    its page (or any page), so events never add visitors to a page."""
    if not rows:
        return
    # Who viewed which page, found once for the day rather than once per event row.
    viewers_of: dict[str, list[_Visitor]] = defaultdict(list)
    for person in people:
        for page in dict.fromkeys(page for page, *_ in person.pages):
            viewers_of[page].append(person)
    with_pages = [person for person in people if person.pages]
    seen: Counter = Counter()
    for row in rows:
        events, path = row.get("events", 0), row.get("path", "")
        candidates = viewers_of.get(path) or with_pages or people
        senders = min(max(row.get("visitors", 0), 1), events, len(candidates))
        name = f"{day}|event|{row['name']}|{row.get('link_url', '')}|{path}"
        seen[name] += 1
        for index in range(events):
            key = f"{name}|{seen[name]}|{index}"
            person = candidates[index % senders]
            page = path or (person.pages[0][0] if person.pages else "/")
            person.events.append((row["name"], page, row.get("link_url", ""), key))


def _person_hits(site: Site, person: _Visitor, number: int, start: datetime, end: datetime):
    attributes = dict(person.attributes)
    referrer = attributes.pop("referrer", "")
    source = attributes.pop("source", None)
    campaign = attributes.pop("campaign", {})
    views = [(page, key, n) for page, share, key in person.pages for n in range(share)]
    step = min(timedelta(minutes=1), (end - start) / (len(views) + len(person.events) + 1))
    moment = start
    for position, (page, key, n) in enumerate(views):
        query = urlencode(campaign) if position == 0 else ""
        yield ImportedHit(
            timestamp=moment,
            key=_key(f"{key}|{n}"),
            url=page_address(site.base_url, page or "/", query),
            referrer=referrer if position == 0 else "",
            source=source if position == 0 else None,
            visitor=f"plausible|{start.date()}|{number}",
            **attributes,
        )
        moment += step
    for name, path, link, key in person.events:
        yield ImportedHit(
            timestamp=moment,
            key=_key(key),
            url=page_address(site.base_url, path or "/"),
            event=name,
            props={"url": link} if link else {},
            visitor=f"plausible|{start.date()}|{number}",
            **attributes,
        )
        moment += step


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16, person=b"plausible").hexdigest()
