"""The local day of a stored moment, as every report groups by it.

On PostgreSQL and MySQL the database converts time zones itself. SQLite has no time zones, so
Django's `TruncDate` calls back into Python for every row, which was most of the time a rollup
build spent on SQLite. `LocalDate` gives SQLite the zone's UTC offsets instead: a CASE over the
zone's transitions, newest first (most visits are recent), each branch SQLite's own
`date(moment, '+N seconds')`. The tests compare it with Python's conversion across zones with
daylight saving, half-hour and 45-minute offsets.
"""

import functools
from bisect import bisect_right
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField
from django.db.models.functions import TruncDate
from django.utils import timezone

# Transitions are looked up from here to two years past today; earlier moments take the offset
# in force at this start (visits older than it are rare, and no zone here changes in them).
FIRST_YEAR = 2000
_DAY = timedelta(days=1)


class LocalDate(TruncDate):
    """`TruncDate(expression, tzinfo=tz)` that SQLite computes without calling Python."""

    def as_sqlite(self, compiler, connection, **extra_context):
        tz = self.get_tzname()
        if not isinstance(self.lhs.output_field, DateTimeField) or tz is None:
            return self.as_sql(compiler, connection, **extra_context)
        column, params = compiler.compile(self.lhs)
        # Whole seconds: SQLite rounds a fraction to milliseconds, and 23:59:59.9996 would
        # round into the next day. Offsets are whole seconds, so nothing else changes.
        seconds_of = f"substr({column}, 1, 19)"
        offsets = zone_offsets(tz, timezone.now().year + 2)
        branches, values = [], []
        for moment, seconds in reversed(offsets[1:]):
            branches.append(f"WHEN {column} >= %s THEN date({seconds_of}, %s)")
            values += [*params, moment, *params, f"{seconds:+d} seconds"]
        default = f"date({seconds_of}, %s)"
        values += [*params, f"{offsets[0][1]:+d} seconds"]
        if not branches:
            return default, values
        return f"CASE {' '.join(branches)} ELSE {default} END", values


@functools.lru_cache(maxsize=64)
def zone_offsets(tz_name: str, last_year: int) -> tuple[tuple[str, int], ...]:
    """(UTC moment as SQLite stores it, offset in seconds from then on), oldest first; the first
    is the offset in force at the start of FIRST_YEAR."""
    tz = ZoneInfo(tz_name)
    day = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    offset = _offset(day, tz)
    found = [(_stored(day), offset)]
    while day < end:
        following = _offset(day + _DAY, tz)
        if following != offset:
            moment = _change_within(day, tz, offset)
            found.append((_stored(moment), following))
            offset = following
        day += _DAY
    return tuple(found)


def _offset(moment: datetime, tz: ZoneInfo) -> int:
    return int(moment.astimezone(tz).utcoffset().total_seconds())


def _change_within(day: datetime, tz: ZoneInfo, before: int) -> datetime:
    """The first second of this UTC day whose offset differs from `before`."""
    at = bisect_right(
        range(86_401), False, key=lambda s: _offset(day + timedelta(seconds=s), tz) != before
    )
    return day + timedelta(seconds=at)


def _stored(moment: datetime) -> str:
    """A UTC moment written as Django stores datetimes on SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
