from datetime import UTC, date, datetime

import pytest

from visits.stats.periods import PeriodError, period_resolve

NOW = datetime(2026, 3, 15, 3, 30, tzinfo=UTC)  # 23:30 on 14 March in New York


def resolve(key, tz="UTC", **kwargs):
    return period_resolve(key=key, tz_name=tz, now=NOW, **kwargs)


@pytest.mark.parametrize(
    ("key", "first", "last", "previous_first", "previous_last"),
    [
        ("day", date(2026, 3, 15), date(2026, 3, 15), date(2026, 3, 14), date(2026, 3, 14)),
        ("yesterday", date(2026, 3, 14), date(2026, 3, 14), date(2026, 3, 13), date(2026, 3, 13)),
        ("7d", date(2026, 3, 9), date(2026, 3, 15), date(2026, 3, 2), date(2026, 3, 8)),
        ("30d", date(2026, 2, 14), date(2026, 3, 15), date(2026, 1, 15), date(2026, 2, 13)),
        # The same part of the period before: up to 15 February, 15 March a year ago.
        ("month", date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 15)),
        ("12mo", date(2025, 4, 1), date(2026, 3, 31), date(2024, 4, 1), date(2025, 3, 15)),
        ("", date(2026, 2, 14), date(2026, 3, 15), date(2026, 1, 15), date(2026, 2, 13)),
    ],
)
def test_periods_in_utc(key, first, last, previous_first, previous_last):
    period = resolve(key)
    assert (period.first_day, period.last_day) == (first, last)
    assert (period.previous_first_day, period.previous_last_day) == (previous_first, previous_last)


def test_today_follows_the_sites_timezone():
    period = resolve("day", tz="America/New_York")
    assert period.first_day == date(2026, 3, 14)
    assert period.start == datetime(2026, 3, 14, 4, 0, tzinfo=UTC)  # EDT started on 8 March
    assert period.end == datetime(2026, 3, 15, 4, 0, tzinfo=UTC)
    assert period.hourly


def test_month_in_january_compares_with_december():
    period = period_resolve(key="month", tz_name="UTC", now=datetime(2026, 1, 10, tzinfo=UTC))
    assert (period.previous_first_day, period.previous_last_day) == (
        date(2025, 12, 1),
        date(2025, 12, 10),
    )


def test_custom_range_and_previous_of_same_length():
    period = resolve("custom", start="2026-01-10", end="2026-01-19")
    assert (period.first_day, period.last_day, period.days) == (
        date(2026, 1, 10),
        date(2026, 1, 19),
        10,
    )
    assert (period.previous_first_day, period.previous_last_day) == (
        date(2025, 12, 31),
        date(2026, 1, 9),
    )
    assert not period.hourly


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("", "", "from"),
        ("2026-13-01", "2026-12-01", "from"),
        ("2026-02-01", "2026-01-01", "ends before"),
        ("2020-01-01", "2026-01-01", "at most"),
    ],
)
def test_bad_custom_ranges(start, end, message):
    with pytest.raises(PeriodError, match=message):
        resolve("custom", start=start, end=end)


def test_unknown_period():
    with pytest.raises(PeriodError, match="Unknown period"):
        resolve("fortnight")


@pytest.mark.parametrize(
    ("today", "previous"),
    [
        (date(2026, 12, 2), (date(2026, 11, 1), date(2026, 11, 2))),  # the 2nd: two days each
        (date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),  # February has no 31st
        (date(2024, 2, 29), (date(2024, 1, 1), date(2024, 1, 29))),
        (date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 15))),  # across the year
    ],
)
def test_this_month_is_compared_with_the_same_elapsed_part_of_the_month_before(today, previous):
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    period = period_resolve(key="month", tz_name="UTC", now=now)
    assert (period.previous_first_day, period.previous_last_day) == previous


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [("nope", "", ""), ("custom", "", ""), ("custom", "2026-02-01", "2026-01-01"),
     ("custom", "1000-01-01", "1000-01-02"), ("custom", "2020-01-01", "2026-01-01")],
)  # fmt: skip
def test_period_errors_read_as_plain_words(key, start, end):
    with pytest.raises(PeriodError) as error:
        resolve(key, start=start, end=end)
    assert "`" not in str(error.value)
    assert str(error.value).endswith(".")
