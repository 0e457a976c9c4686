from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from visits.models import DailyRollup, Visit
from visits.stats.rollups import rollup_ensure
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


def test_without_days_or_site_retention_nothing_happens(aged_visits):
    assert "Nothing to do" in purge()
    assert Visit.objects.count() == 6


def test_each_site_keeps_visits_for_its_own_retention_period(aged_visits, other_site):
    aged_visits.retention_days = 30
    aged_visits.save()
    # other_site keeps everything: its 40-day-old visit stays.
    out = purge("--dry-run")
    assert f"Would delete 3 visits of site {aged_visits.pk}" in out and "30 days" in out
    assert Visit.objects.count() == 6
    out = purge()
    assert f"Deleted 3 visits of site {aged_visits.pk}" in out
    assert sorted(
        (NOW - t).days
        for t in Visit.objects.filter(site=aged_visits).values_list("timestamp", flat=True)
    ) == [1, 29]
    assert other_site.visits.count() == 1


def test_global_days_and_site_retention_together_the_shorter_wins(aged_visits, other_site):
    other_site.retention_days = 365
    other_site.save()
    aged_visits.retention_days = 2
    aged_visits.save()
    out = purge("--days", "35")
    assert "Deleted 3 visits older than 35 days" in out  # 100, 400 and other_site's 40
    assert f"Deleted 2 visits of site {aged_visits.pk}" in out  # 29 and 31 days old
    assert list(Visit.objects.values_list("site_id", flat=True)) == [aged_visits.pk]


def test_retention_is_set_on_the_site_form(owner_client, site):
    response = owner_client.post(
        f"/sites/{site.pk}/edit/",
        {"name": site.name, "base_url": site.base_url, "timezone": "UTC", "retention_days": "0"},
    )
    assert response.status_code == 200 and "retention_days" in response.context["form"].errors
    response = owner_client.post(
        f"/sites/{site.pk}/edit/",
        {"name": site.name, "base_url": site.base_url, "timezone": "UTC", "retention_days": "90"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.retention_days == 90
