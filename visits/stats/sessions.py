"""Visits (sessions) derived from raw hits, without cookies.

A visit is a run of one visitor's hits on one site with gaps under 30 minutes. The visitor hash
changes at the site's local midnight, so a visit never spans two days and days add up. A visit
lasts from its first hit to its last, engagement pings included (they are sent when the page is
hidden or left, so the last page has a duration too). It counts when it has a pageview or a
custom event; a bounce is a visit of one pageview and no custom event. Entry and exit pages are
the paths of its first and last hits.

The grouping runs in the database with window functions (SQLite and PostgreSQL alike); only one
row per visit comes back.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import F, QuerySet, Value
from django.db.models.functions import TruncHour

from visits.models import ENGAGEMENT, PAGEVIEW, Visit
from visits.stats.epoch import epoch_ms_sql
from visits.stats.local_day import LocalDate

SESSION_GAP = timedelta(minutes=30)
ENTRY = "entry"
EXIT = "exit"

_SESSIONS_SQL = """
WITH hits AS (
    SELECT "day" AS day, "split" AS split, "visitor_hash" AS visitor, {epoch_ms} AS ms,
           "path" AS path, "event" AS event, "id" AS id
    FROM ({inner}) base
), marked AS (
    SELECT hits.*, CASE
        WHEN ms - LAG(ms) OVER (PARTITION BY day, split, visitor ORDER BY ms, id) < %s THEN 0 ELSE 1
    END AS starts
    FROM hits
), numbered AS (
    SELECT marked.*, SUM(starts) OVER (
        PARTITION BY day, split, visitor ORDER BY ms, id ROWS UNBOUNDED PRECEDING
    ) AS session
    FROM marked
), ends AS (
    SELECT numbered.*, FIRST_VALUE(path) OVER visit AS entry, LAST_VALUE(path) OVER visit AS leaving
    FROM numbered
    WINDOW visit AS (
        PARTITION BY day, split, visitor, session ORDER BY ms, id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
)
SELECT day, visitor, MAX(ms) - MIN(ms),
    SUM(CASE WHEN event = %s THEN 1 ELSE 0 END),
    SUM(CASE WHEN event NOT IN (%s, %s) THEN 1 ELSE 0 END),
    MIN(entry), MIN(leaving), split
FROM ends
GROUP BY day, split, visitor, session
HAVING SUM(CASE WHEN event <> %s THEN 1 ELSE 0 END) > 0
"""


@dataclass(frozen=True, slots=True)
class Session:
    day: date
    visitor: int
    seconds: int
    pageviews: int
    events: int
    entry: str
    exit: str
    split: str = ""  # the value of the field the hits were split by (see `sessions_of`)

    @property
    def bounced(self) -> bool:
        return self.pageviews <= 1 and self.events == 0


def sessions_of(queryset: QuerySet[Visit], *, tz: ZoneInfo, split: str = "") -> list[Session]:
    """The visits (sessions) formed by a queryset's hits, days taken in `tz`.

    With `split` (a Visit field), the hits of each value of that field form their own visits,
    as if the queryset had been filtered by that value: the visits of every filter at once."""
    inner = (
        queryset.order_by()
        .annotate(
            day=LocalDate("timestamp", tzinfo=tz),
            split=F(split) if split else Value(""),
        )
        .values_list("day", "split", "visitor_hash", "timestamp", "path", "event", "id")
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    connection = connections[queryset.db]
    sql = _SESSIONS_SQL.format(inner=inner_sql, epoch_ms=epoch_ms_sql(connection.vendor))
    params = (
        *inner_params,
        int(SESSION_GAP.total_seconds() * 1000),
        PAGEVIEW,
        PAGEVIEW,
        ENGAGEMENT,
        ENGAGEMENT,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Session(
            day=day if isinstance(day, date) else date.fromisoformat(day),
            visitor=visitor,
            seconds=int(milliseconds) // 1000,
            pageviews=int(pageviews),
            events=int(events),
            entry=entry,
            exit=leaving,
            split=split or "",
        )
        for day, visitor, milliseconds, pageviews, events, entry, leaving, split in rows
    ]


@dataclass
class SessionFigures:
    """Visits summed over some sessions, with their distinct visitors per day."""

    sessions: int = 0
    bounces: int = 0
    duration: int = 0
    pageviews: int = 0
    visitors_by_day: dict[date, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, session: Session) -> None:
        self.sessions += 1
        self.bounces += session.bounced
        self.duration += session.seconds
        self.pageviews += session.pageviews
        self.visitors_by_day[session.day].add(session.visitor)

    @property
    def visitors(self) -> int:
        return sum(len(day) for day in self.visitors_by_day.values())


def session_figures(
    sessions: list[Session], *, by_day: bool, key=None
) -> dict[tuple, SessionFigures]:
    """Sessions summed per (day or None, key(session) or '')."""
    grouped: dict[tuple, SessionFigures] = defaultdict(SessionFigures)
    for session in sessions:
        grouped[(session.day if by_day else None, key(session) if key else "")].add(session)
    return grouped


# Within `sessions_shared()`, visits formed from the same hits are formed once: a dashboard's
# headline, entry-page and exit-page panels all need them. Outside it nothing is kept, so a
# long-running process never reads stale visits.
_shared: ContextVar[dict | None] = ContextVar("shared_sessions", default=None)


@contextmanager
def sessions_shared() -> Iterator[None]:
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def sessions_shared_for(key: Hashable, queryset: QuerySet[Visit], *, tz: ZoneInfo):
    """The visits of `queryset` (identified by `key`) if shared ones are kept, else None
    (the caller forms them)."""
    return shared_value(("sessions", key), lambda: sessions_of(queryset, tz=tz))


def shared_or_made(key: Hashable, make):
    """`make()`, computed once per `key` within `sessions_shared()`, and every time outside it."""
    shared = shared_value(key, make)
    return make() if shared is None else shared


def shared_value(key: Hashable, make):
    """`make()`, computed once per `key` within `sessions_shared()`; None outside it."""
    shared = _shared.get()
    if shared is None:
        return None
    if key not in shared:
        shared[key] = make()
    return shared[key]


def split_sessions_from_hits(by_visitor: dict, *, columns: tuple) -> list[list[Session]]:
    """The visits formed by hits already read, once per way of splitting them (the same rules as
    `sessions_of`, in Python, for a caller that reads the hits anyway).

    `by_visitor` holds each (local day, visitor)'s hits, each row starting with the moment in
    whole milliseconds since the epoch, the visitor, the event, the id and the path (as
    `onepass` reads them); `columns` names, per split, the row position of the value that
    splits the hits (as `sessions_of`'s `split`), or None for none."""
    result: list[list[Session]] = [[] for _ in columns]
    for (day, visitor), rows in by_visitor.items():
        if len(rows) > 1:
            rows.sort(key=_hit_order)
        whole = None  # the visits of all the visitor's hits, made once for every split
        for sessions, at in zip(result, columns, strict=True):
            part = "" if at is None else rows[0][at]
            if at is None or all(row[at] == part for row in rows):
                if whole is None:
                    whole = [figures for run in _runs(rows) if (figures := _run_figures(run))]
                sessions += [Session(day, visitor, *figures, part) for figures in whole]
                continue
            parts: dict = defaultdict(list)
            for row in rows:
                parts[row[at]].append(row)
            for part, part_rows in parts.items():
                for run in _runs(part_rows):
                    if figures := _run_figures(run):
                        sessions.append(Session(day, visitor, *figures, part))
    return result


_hit_order = itemgetter(0, 3)  # the moment, then the id


def _runs(rows: list) -> Iterator[list]:
    """One visitor's hits (in order) cut where they are SESSION_GAP or more apart."""
    run: list = []
    for row in rows:
        if run and row[0] - run[-1][0] >= _GAP_MS:
            yield run
            run = []
        run.append(row)
    yield run


def _run_figures(run: list) -> tuple | None:
    """(seconds, pageviews, events, entry, exit) of a run of hits; None if it makes no visit."""
    events = [row[2] for row in run]
    pageviews, pings = events.count(PAGEVIEW), events.count(ENGAGEMENT)
    if pings == len(events):
        return None  # engagement pings alone make no visit
    seconds = (run[-1][0] - run[0][0]) // 1000
    return seconds, pageviews, len(events) - pageviews - pings, run[0][4], run[-1][4]


_GAP_MS = int(SESSION_GAP.total_seconds() * 1000)


def hourly_sessions(queryset: QuerySet[Visit], *, tz: ZoneInfo) -> dict[datetime, tuple]:
    """(visits, bounces, seconds) per local hour (naive wall-clock datetimes) for an hourly
    chart: a visit that runs past the hour counts in each hour it has hits in."""
    hours = queryset.annotate(hour=TruncHour("timestamp", tzinfo=tz))
    figures: dict[datetime, tuple] = {}
    for session in sessions_of(hours, tz=tz, split="hour"):
        hour = session.split
        hour = datetime.fromisoformat(hour) if isinstance(hour, str) else hour
        hour = hour.astimezone(tz).replace(tzinfo=None) if hour.tzinfo else hour
        visits, bounces, seconds = figures.get(hour, (0, 0, 0))
        figures[hour] = (visits + 1, bounces + session.bounced, seconds + session.seconds)
    return figures
