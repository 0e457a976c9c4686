from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from visits.models import DailyRollup, Visit
from visits.rollups import rollup_ensure
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def aged_visits(site, other_site):
    for days_ago in (1, 29, 31, 100, 400):
        VisitFactory(site=site, timestamp=NOW - timedelta(days=days_ago))
    VisitFactory(site=other_site, timestamp=NOW - timedelta(days=40))
    return site


def purge(*args):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge_visits", *args, stdout=out)
    return out.getvalue()


def test_dry_run_counts_and_deletes_nothing(aged_visits):
    output = purge("--days", "30", "--dry-run")
    assert "Would delete 4 visits older than 30 days" in output
    assert Visit.objects.count() == 6


def test_purge_deletes_only_old_visits_in_batches(aged_visits):
    output = purge("--days", "30", "--batch-size", "1")
    assert "Deleted 4 visits" in output
    remaining = sorted((NOW - visit.timestamp).days for visit in Visit.objects.all())
    assert remaining == [1, 29]


def test_purge_drops_rollups_of_purged_days(aged_visits):
    rollup_ensure(site=aged_visits, first_day=date(2025, 5, 1), last_day=date(2026, 6, 29), now=NOW)
    purge("--days", "30")
    days = DailyRollup.objects.filter(site=aged_visits, dimension="").values_list("day", flat=True)
    assert min(days) > date(2026, 5, 31)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--days", "0"], "at least 1"), (["--days", "5", "--batch-size", "0"], "batch")],
)
def test_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        purge(*args)


def test_days_is_required():
    with pytest.raises(CommandError, match="--days"):
        purge()
