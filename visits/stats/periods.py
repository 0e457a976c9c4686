"""Report periods: what "today" or "last 30 days" means in a site's own time zone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

PERIODS = {
    "day": _("Today"),
    "yesterday": _("Yesterday"),
    "7d": _("Last 7 days"),
    "30d": _("Last 30 days"),
    "month": _("This month"),
    "12mo": _("Last 12 months"),
    "custom": _("Custom range"),
}
DEFAULT_PERIOD = "30d"
CUSTOM_MAX_DAYS = 3 * 366
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first_day: date
    last_day: date  # inclusive
    previous_first_day: date
    previous_last_day: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day, self.tz)

    @property
    def end(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        return _midnight(self.last_day + timedelta(days=1), self.tz)

    @property
    def previous_start(self) -> datetime:
        return _midnight(self.previous_first_day, self.tz)

    @property
    def previous_end(self) -> datetime:
        return _midnight(self.previous_last_day + timedelta(days=1), self.tz)

    @property
    def hourly(self) -> bool:
        return self.first_day == self.last_day

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return local_bounds(day, day, tz)[0]


def _month_start(day: date, months_back: int = 0) -> date:
    month_index = day.year * 12 + day.month - 1 - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def period_resolve(
    *, key: str, tz_name: str, now: datetime, start: str = "", end: str = ""
) -> Period:
    """The period named by the dashboard's `period` (and `from`/`to`) parameters."""
    tz = ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    key = key or DEFAULT_PERIOD
    if key not in PERIODS:
        raise PeriodError(
            gettext("Unknown period %(period)s; use one of %(periods)s.")
            % {"period": repr(key), "periods": ", ".join(PERIODS)}
        )
    if key == "day":
        first, last = today, today
    elif key == "yesterday":
        first = last = today - timedelta(days=1)
    elif key in ("7d", "30d"):
        length = 7 if key == "7d" else 30
        first, last = today - timedelta(days=length - 1), today
    elif key in ("month", "12mo"):
        # Compared with the same part of the period before, up to today's date: on the 2nd,
        # this month's two days against the 1st and 2nd of last month, not all of it.
        months = 1 if key == "month" else 12
        first = _month_start(today, months - 1)
        last = _month_start(today, -1) - timedelta(days=1)
        previous_first = _month_start(today, 2 * months - 1)
        previous_month = _month_start(today, months)
        month_length = (_month_start(today, months - 1) - previous_month).days
        previous_last = previous_month + timedelta(days=min(today.day, month_length) - 1)
        return Period(key, PERIODS[key], first, last, previous_first, previous_last, tz)
    else:
        first, last = _custom_range(start, end)
    length = (last - first).days + 1
    previous_last = first - timedelta(days=1)
    previous_first = previous_last - timedelta(days=length - 1)
    return Period(key, PERIODS[key], first, last, previous_first, previous_last, tz)


def period_from_params(params, *, tz_name: str, now: datetime) -> Period:
    """The period a query asks for (`period`, and `from`/`to` for a custom range), as the
    dashboard and the API read it; PeriodError when it names none."""
    return period_resolve(
        key=params.get("period", ""),
        tz_name=tz_name,
        now=now,
        start=params.get("from", ""),
        end=params.get("to", ""),
    )


def _custom_range(start: str, end: str) -> tuple[date, date]:
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except (TypeError, ValueError) as exc:
        raise PeriodError(
            gettext("A custom range needs a start and an end date (from, to), like 2026-01-31.")
        ) from exc
    if first < EARLIEST_DAY or last > LATEST_DAY:
        # The period before it, and midnights in every time zone, must stay within what
        # Python and the databases hold.
        raise PeriodError(
            gettext("Dates must be between %(first)s and %(last)s.")
            % {"first": EARLIEST_DAY, "last": LATEST_DAY}
        )
    if last < first:
        raise PeriodError(gettext("The range ends before it starts."))
    if (last - first).days >= CUSTOM_MAX_DAYS:
        raise PeriodError(
            gettext("A custom range can be at most %(count)s days long.")
            % {"count": CUSTOM_MAX_DAYS}
        )
    return first, last


def local_bounds(first_day: date, last_day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[midnight before first_day, midnight after last_day) in `tz`."""
    return (
        datetime.combine(first_day, time.min, tzinfo=tz),
        datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz),
    )
