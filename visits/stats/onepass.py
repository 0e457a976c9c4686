"""Every panel's rows from one read of the visits, for views no rollup holds.

A view filtered by two filters, by a rarer filter or by a property (no rollup holds those) would
otherwise run one query per panel, each walking the same rows. Here the rows are read
once, only the columns the panels need, and summed in Python by the same rules as `daily_rows`
(the tests compare the two): per local day, visitors being a day's distinct visitor hashes.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from visits.ingest.referrers import INTERNAL
from visits.models import ENGAGEMENT, PAGEVIEW, Visit
from visits.stats.daily_rows import LABEL_FIELDS, DailyRow, session_rows, with_session_figures
from visits.stats.dimensions import (
    DIMENSIONS,
    PROPERTY,
    REFERRER_DIMENSIONS,
    TAGGED_ONLY,
    TOTAL,
)
from visits.stats.properties import prop_pair
from visits.stats.sessions import ENTRY, EXIT, sessions_from_hits

# What one pass can sum: the totals, every dimension a column holds, properties, entry and exit.
PASS_DIMENSIONS = (TOTAL, *DIMENSIONS, PROPERTY, ENTRY, EXIT)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def pass_rows(
    queryset: QuerySet[Visit], *, tz: ZoneInfo, dimensions: tuple[str, ...] = PASS_DIMENSIONS
) -> dict[str, list[DailyRow]]:
    """Rows per day of each of `dimensions` (totals with visit figures), from one query."""
    wanted = [name for name in dimensions if name in DIMENSIONS]
    fields = sorted({DIMENSIONS[name] for name in wanted} | {"path", "country"})
    index = {field: position for position, field in enumerate(fields, start=5)}
    columns = ("timestamp", "visitor_hash", "event", "id", "props", *fields)
    need_props = PROPERTY in dimensions
    need_hits = bool({TOTAL, ENTRY, EXIT} & set(dimensions))
    rules = [
        (
            name,
            index[DIMENSIONS[name]],
            index[LABEL_FIELDS[name]] if name in LABEL_FIELDS else None,
        )
        for name in wanted
    ]
    groups: dict[str, dict[tuple, list]] = {name: defaultdict(_figures) for name in dimensions}
    hits = []
    path_at = index["path"]
    days: dict[object, object] = {}  # local day of each UTC hour's start: tz lookups are slow
    for row in queryset.order_by().values_list(*columns).iterator(chunk_size=5000):
        timestamp, visitor, event = row[0], row[1], row[2]
        hour = timestamp.replace(minute=0, second=0, microsecond=0)
        day = days.get(hour)
        if day is None:
            day = days[hour] = _local_day(hour, tz)
        if day is False:
            day = timestamp.astimezone(tz).date()
        if need_hits:
            milliseconds = (timestamp - _EPOCH) // _MILLISECOND
            hits.append((day, visitor, milliseconds, row[3], row[path_at], event))
        if event == ENGAGEMENT:
            continue
        pageview = event == PAGEVIEW
        _add(groups.get(TOTAL), (day, "", ""), visitor, pageview)
        for name, at, label_at in rules:
            value = row[at]
            if name == "event":
                if pageview:
                    continue
            elif name in REFERRER_DIMENSIONS:
                if value == INTERNAL:
                    continue
            elif name in TAGGED_ONLY and value == "":
                continue
            _add(groups[name], (day, value, row[label_at] if label_at else ""), visitor, pageview)
        if need_props and row[4]:
            for key, value in row[4].items():
                _add(groups[PROPERTY], (day, prop_pair(key, str(value)), ""), visitor, pageview)
    result = {
        name: [
            DailyRow(day, value, label, len(figures[0]), figures[1], figures[2])
            for (day, value, label), figures in grouped.items()
        ]
        for name, grouped in groups.items()
        if name not in (ENTRY, EXIT)
    }
    if need_hits:
        sessions = sessions_from_hits(hits)
        for name in (ENTRY, EXIT):
            if name in dimensions:
                result[name] = session_rows(sessions, dimension=name, by_day=True)
        if TOTAL in dimensions:
            result[TOTAL] = with_session_figures(result[TOTAL], sessions, by_day=True)
    return result


def _figures() -> list:
    return [set(), 0, 0]  # visitors, pageviews, other events


def _add(grouped, key: tuple, visitor: int, pageview: bool) -> None:
    if grouped is None:
        return
    figures = grouped[key]
    figures[0].add(visitor)
    figures[1 if pageview else 2] += 1


def _local_day(hour: datetime, tz: ZoneInfo):
    """The local day of every moment of this UTC hour, or False when the hour straddles a
    local midnight (time zones a quarter or half hour off UTC)."""
    first = hour.astimezone(tz).date()
    last = (hour + timedelta(hours=1) - _MILLISECOND / 1000).astimezone(tz).date()
    return first if first == last else False
