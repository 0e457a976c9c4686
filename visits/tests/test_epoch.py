"""The database's epoch milliseconds equal Python's floor of the same stored moment."""

from datetime import UTC, datetime, timedelta

import pytest

from visits.models import Visit
from visits.stats.epoch import EpochMilliseconds

pytestmark = pytest.mark.django_db
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

MOMENTS = [
    datetime(2026, 3, 15, 12, 0, 0, 0, tzinfo=UTC),  # no fraction stored
    datetime(2026, 3, 15, 12, 0, 0, 999, tzinfo=UTC),  # under a millisecond: floors to 0
    datetime(2026, 3, 15, 12, 0, 0, 1000, tzinfo=UTC),
    datetime(2026, 3, 15, 12, 0, 0, 999_999, tzinfo=UTC),  # never rounds into the next second
    datetime(2026, 3, 15, 23, 59, 59, 999_500, tzinfo=UTC),
    datetime(2000, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(2038, 1, 19, 3, 14, 8, 123_456, tzinfo=UTC),  # past 32-bit seconds
]


def test_epoch_milliseconds_floor_like_python(site):
    for moment in MOMENTS:
        Visit.objects.create(site=site, url="https://example.com/", timestamp=moment)
    stored = Visit.objects.annotate(ms=EpochMilliseconds("timestamp")).values_list(
        "timestamp", "ms"
    )
    found = dict(stored)
    assert found == {m: (m - _EPOCH) // timedelta(milliseconds=1) for m in MOMENTS}
    assert found[MOMENTS[3]] % 1000 == 999


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Asia/Kolkata", "Australia/Eucla", "UTC"])
def test_local_days_match_python_around_midnights(zone):
    from zoneinfo import ZoneInfo

    from visits.stats.epoch import LocalDays

    tz = ZoneInfo(zone)
    days = LocalDays(tz)
    start = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)  # Berlin's spring change inside
    for minutes in range(0, 3 * 24 * 60, 7):
        moment = start + timedelta(minutes=minutes, seconds=59, microseconds=999_999)
        ms = (moment - _EPOCH) // timedelta(milliseconds=1)
        assert days.of(ms) == moment.astimezone(tz).date(), moment
