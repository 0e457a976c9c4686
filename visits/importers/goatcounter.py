"""GoatCounter's CSV export (format version 2): one row per pageview or event.

Header: `2Path,Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,Referrer scheme,
Screen size,Location,FirstVisit,Date`.

An event's `Path` is its name (GoatCounter records no page with it): it is stored as that event
on the page its session viewed last, or on a path of its own name when the session viewed none
before it, so events never add visitors to a page they weren't sent from. Referrers that aren't
addresses (scheme `g` generated names like "Hacker News", `c` campaigns, `o` apps) are kept as
the source's name."""

from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

from sites.models import Site
from visits.importers.hits import (
    FormatError,
    ImportedHit,
    RowKeys,
    Skipped,
    country_name,
    csv_records,
    page_address,
    parse_time,
    region_name,
    split_version,
)
from visits.ingest.campaigns import screen_class

COLUMNS = 14


def looks_like(header: list[str]) -> bool:
    return bool(header) and header[0].strip().endswith("Path") and header[0][:1].isdigit()


def read(stream: BinaryIO, *, site: Site) -> Iterator[ImportedHit | Skipped]:
    records = csv_records(stream)
    _, header = next(records, (0, None))
    if not header or not looks_like(header):
        raise FormatError("This is not a GoatCounter export: its header starts with 2Path.")
    if not header[0].startswith("2"):
        raise FormatError(
            f"GoatCounter export version {header[0][:-4]} is not supported; export it again "
            "from GoatCounter (version 2)."
        )
    keys = RowKeys("goatcounter")
    last_page: dict[str, str] = {}  # the page each session viewed last
    for line, cells in records:
        if cells is None or len(cells) != COLUMNS:
            yield Skipped(line, "malformed row", f"expected {COLUMNS} cells")
            continue
        path, _, event, _, browser, system, session, bot, referrer, scheme = cells[:10]
        screen, location, _, date = cells[10:]
        if bot.strip() not in ("", "0"):
            yield Skipped(line, "bot")
            continue
        try:
            timestamp = parse_time(date)
        except ValueError:
            yield Skipped(line, "unreadable time", date[:40])
            continue
        is_event = event.strip().lower() in ("true", "1")
        if is_event:
            name = path.strip() or "event"
            url = (session and last_page.get(session)) or page_address(
                site.base_url, quote(name.lstrip("/"), safe="/-_.~")
            )
        else:
            url = page_address(site.base_url, path)
            if session:
                last_page[session] = url
        browser_name, browser_version = split_version(browser)
        os_name, _ = split_version(system)
        country_code, _, _ = location.partition("-")
        width = screen.split(",")[0]
        yield ImportedHit(
            line=line,
            timestamp=timestamp,
            key=keys.key(*cells),
            url=url,
            event=name if is_event else "pageview",
            referrer=_referrer(referrer, scheme),
            source=referrer.strip()[:255] if scheme != "h" and referrer.strip() else None,
            browser=browser_name,
            browser_version=browser_version,
            os=os_name,
            screen=screen_class(width),
            country_code=country_code.upper()[:2],
            country=country_name(country_code),
            region=region_name(location) if "-" in location else "",
            visitor=session,
        )


def _referrer(text: str, scheme: str) -> str:
    """Only "h" referrers are addresses; generated names like "Hacker News" and campaign
    names are not."""
    text = text.strip()
    if scheme != "h" or not text:
        return ""
    return text if text.startswith(("http://", "https://")) else f"https://{text}"
