"""A stored moment as whole milliseconds since the epoch, computed by the database.

Reading a timestamp column costs a datetime built per row (on PostgreSQL through Django's
time-zone loader, in Python); a report that reads tens of thousands of hits spends more on that
than on the query. An integer costs nothing to read, sorts the same way, and keeps the visits'
30-minute boundary exact. Both databases floor to the millisecond, as Python's
`(moment - epoch) // timedelta(milliseconds=1)` does; the tests compare them.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Func

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_HOUR = 3_600_000  # milliseconds

_SQL = {
    # EXTRACT(EPOCH ...) is an exact numeric (microseconds included) since PostgreSQL 14.
    "postgresql": "floor(extract(epoch from {column}) * 1000)::bigint",
    # Stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds from strftime, the
    # fraction's first three digits as they are (SQLite's own %f rounds to the millisecond).
    "sqlite": (
        "(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER) * 1000"
        " + CASE WHEN substr({column}, 20, 1) = '.'"
        " THEN CAST(substr({column} || '000', 21, 3) AS INTEGER) ELSE 0 END)"
    ),
}


def epoch_ms_sql(vendor: str, column: str = '"timestamp"') -> str:
    """The SQL of `column`'s epoch milliseconds, for queries written as SQL."""
    return _SQL[vendor].format(column=column)


class EpochMilliseconds(Func):
    arity = 1
    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        occurrences = _SQL[connection.vendor].count("{column}")
        return epoch_ms_sql(connection.vendor, column), tuple(params) * occurrences


class LocalDays:
    """The local day in `tz` of epoch milliseconds, each UTC hour converted once: a time zone
    conversion per hit was a large part of reading a period's hits."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.hours: dict[int, date | None] = {}

    def of(self, ms: int) -> date:
        hour = ms // _HOUR
        day = self.hours.get(hour, False)
        if day is False:
            first = _moment(hour * _HOUR).astimezone(self.tz).date()
            last = _moment((hour + 1) * _HOUR - 1).astimezone(self.tz).date()
            # None: the hour straddles a local midnight (zones a quarter or half hour off UTC).
            day = self.hours[hour] = first if first == last else None
        return day or _moment(ms).astimezone(self.tz).date()


def _moment(ms: int) -> datetime:
    return _EPOCH + ms * _MILLISECOND
