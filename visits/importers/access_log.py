"""A web server's access log in the combined format (Apache's and nginx's default):

    203.0.113.9 - - [10/Oct/2025:13:55:36 +0200] "GET /blog/ HTTP/1.1" 200 2326
    "https://www.google.com/" "Mozilla/5.0 ..."      (one line)

Only GETs of pages answered 200 count as pageviews: assets, other methods, any other answer
(206 partial content, 304, redirects, errors) and bots, a missing (`-`) user agent among them, are
skipped with their reason. `\\xHH` escapes, which nginx and Apache write for bytes outside
printable ASCII, are decoded back to the UTF-8 they stand for. The address is used for the
location and the day's visitor hash, then forgotten, as with the beacon.
"""

import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from sites.models import Site
from visits.importers.hits import (
    FormatError,
    ImportedHit,
    RowKeys,
    Skipped,
    page_address,
    release,
)
from visits.ingest.agents import agent_parse
from visits.ingest.geo import geolocator

LINE = re.compile(
    r'(?P<address>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" '
    r'(?P<status>\d{3}) \S+ "(?P<referrer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)"'
)
ASSETS = (
    ".css", ".js", ".mjs", ".map", ".json", ".xml", ".txt", ".ico", ".png", ".jpg", ".jpeg",
    ".gif", ".svg", ".webp", ".avif", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp4", ".webm",
    ".mp3", ".pdf", ".zip", ".gz", ".rss", ".atom", ".wasm",
)  # fmt: skip
MAX_LINE = 16_384
ESCAPE = re.compile(r'\\(x[0-9A-Fa-f]{2}|["\\])')
NO_AGENT = ("", "-")


def looks_like(first_line: str) -> bool:
    return LINE.match(first_line) is not None


def read(stream: BinaryIO, *, site: Site) -> Iterator[ImportedHit | Skipped]:
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=None)
    try:
        yield from _lines(text, site)
    finally:
        release(text)


def _lines(text: io.TextIOWrapper, site: Site) -> Iterator[ImportedHit | Skipped]:
    keys = RowKeys("access-log")
    checked = False
    for number, raw in enumerate(text, start=1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        match = LINE.match(line[:MAX_LINE])
        if not checked:
            checked = True
            if match is None:
                raise FormatError(
                    "This is not an access log in the combined format "
                    '(address - user [time] "request" status size "referrer" "agent").'
                )
        if match is None:
            yield Skipped(number, "malformed line")
            continue
        yield _hit(number, line, match, site, keys)


def _hit(number: int, line: str, match: re.Match, site: Site, keys: RowKeys):
    method, _, rest = _unescape(match["request"]).partition(" ")
    target = rest.rpartition(" ")[0] if rest.count(" ") else rest
    if method != "GET":
        return Skipped(number, "not a GET request", method[:10])
    status = int(match["status"])
    if status != 200:
        return Skipped(number, f"status {status}")
    path, _, query = target.partition("?")
    if not path.startswith("/"):
        return Skipped(number, "malformed line", "no path")
    if path.lower().endswith(ASSETS):
        return Skipped(number, "not a page (asset)")
    user_agent = _unescape(match["agent"])
    if user_agent.strip() in NO_AGENT:
        return Skipped(number, "bot", "no user agent")
    agent = agent_parse(user_agent)
    if agent.is_bot:
        return Skipped(number, "bot")
    try:
        timestamp = datetime.strptime(match["time"], "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return Skipped(number, "unreadable time", match["time"][:40])
    location = geolocator.locate(match["address"])
    referrer = _unescape(match["referrer"])
    return ImportedHit(
        line=number,
        timestamp=timestamp,
        key=keys.key(line),
        url=page_address(site.base_url, path, query),
        referrer="" if referrer == "-" else referrer,
        **agent.visit_fields(),
        **location.visit_fields(),
        visitor=f"{match['address']}\n{user_agent}",
    )


def _unescape(text: str) -> str:
    """`\\"`, `\\\\` and `\\xHH` as the server wrote them, back to the text they stand for."""
    if "\\" not in text:
        return text
    raw, position = bytearray(), 0
    for escape in ESCAPE.finditer(text):
        raw += text[position : escape.start()].encode()
        code = escape[1]
        raw += bytes([int(code[1:], 16)]) if code[0] == "x" else code.encode()
        position = escape.end()
    raw += text[position:].encode()
    return raw.decode("utf-8", errors="replace")
