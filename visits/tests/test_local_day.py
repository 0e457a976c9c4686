"""`LocalDate`: the day every report groups by is the day Python's own time zone conversion
gives, on both databases, around every daylight-saving change and at odd offsets."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from visits.models import Visit
from visits.stats.local_day import LocalDate, zone_offsets
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # daylight saving of half an hour
    "Asia/Kathmandu",  # +05:45
    "America/Sao_Paulo",  # daylight saving until 2019
    "Pacific/Apia",  # skipped a whole day in 2011
    "Asia/Tehran",
)


def _moments(tz_name: str) -> list[datetime]:
    rng = random.Random(tz_name)
    moments = [datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(840_000_000))
               for _ in range(60)]  # fmt: skip
    for stored, _ in zone_offsets(tz_name, 2027)[1:]:
        change = datetime.fromisoformat(stored).replace(tzinfo=UTC)
        moments += [change - timedelta(microseconds=1), change, change + timedelta(seconds=1)]
    for hour in range(48):  # both sides of local midnights
        moments.append(datetime(2026, 3, 28, tzinfo=UTC) + timedelta(hours=hour, minutes=59))
    return moments


@pytest.mark.parametrize("tz_name", ZONES)
def test_local_days_are_pythons(site, tz_name):
    moments = _moments(tz_name)
    Visit.objects.bulk_create([VisitFactory.build(site=site, timestamp=at) for at in moments])
    tz = ZoneInfo(tz_name)
    found = _days(
        Visit.objects.filter(site=site)
        .annotate(day=LocalDate("timestamp", tzinfo=tz))
        .values_list("timestamp", "day")
    )
    assert found == _days((at, at.astimezone(tz).date()) for at in moments)


def _days(pairs) -> Counter:
    return Counter((at.astimezone(UTC), day) for at, day in pairs)


def test_offsets_follow_the_zone():
    berlin = dict(zone_offsets("Europe/Berlin", 2027))
    assert berlin["2026-03-29 01:00:00"] == 7200  # CEST from 01:00 UTC
    assert berlin["2026-10-25 01:00:00"] == 3600
    assert zone_offsets("UTC", 2027) == (("2000-01-01 00:00:00", 0),)
