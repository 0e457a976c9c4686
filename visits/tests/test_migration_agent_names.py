"""The data migration that renames stored browsers, systems and devices to one name each."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("visits", "0009_visit_source_channel")]
AFTER = [("visits", "0010_agent_names")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_renamed_and_their_days_rollups_dropped():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Site = old.get_model("accounts", "User"), old.get_model("sites", "Site")
    Visit, DailyRollup = old.get_model("visits", "Visit"), old.get_model("visits", "DailyRollup")
    owner = User.objects.create(email="owner@example.com", password="!")
    site = Site.objects.create(owner=owner, name="Blog", base_url="https://blog.example.com")
    renamed_day, untouched_day = date(2026, 3, 5), date(2026, 3, 6)

    def visit(day, browser, os, device="desktop"):
        Visit.objects.create(
            site=site,
            timestamp=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
            url="https://blog.example.com/",
            path="/",
            browser=browser,
            os=os,
            device=device,
        )

    visit(renamed_day, "Mobile Safari", "Mac OS X", "mobile")
    visit(renamed_day, "Safari", "macOS", "mobile")
    visit(renamed_day, "Samsung Browser", "Android", "mobile")
    visit(untouched_day, "Firefox", "Linux")
    for day, browser in ((renamed_day, "Mobile Safari"), (untouched_day, "Firefox")):
        DailyRollup.objects.create(site=site, day=day, dimension="", visitors=1, pageviews=1)
        DailyRollup.objects.create(
            site=site, day=day, dimension="browser", value=browser, visitors=1, pageviews=1
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    Visit, DailyRollup = new.get_model("visits", "Visit"), new.get_model("visits", "DailyRollup")
    assert sorted(Visit.objects.values_list("browser", "os")) == [
        ("Firefox", "Linux"),
        ("Safari", "macOS"),
        ("Safari", "macOS"),
        ("Samsung Internet", "Android"),
    ]
    # The renamed day is rebuilt from visits on its next read; the other day is kept.
    assert set(DailyRollup.objects.values_list("day", flat=True)) == {untouched_day}
    # Going back keeps the merged names (they can't be told apart again) and works.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
