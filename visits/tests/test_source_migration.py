"""The migration that gives existing visits their source and channel, and drops stale rollups."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("visits", "0008_spool_identity_erasure")]
AFTER = [("visits", "0009_visit_source_channel")]


@pytest.mark.django_db(transaction=True)
def test_existing_visits_get_sources_and_channels_and_rollups_are_rebuilt(monkeypatch):
    monkeypatch.setattr("visits.migrations.0009_visit_source_channel.BATCH", 2, raising=False)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Site = old.get_model("accounts", "User"), old.get_model("sites", "Site")
    Visit, DailyRollup = old.get_model("visits", "Visit"), old.get_model("visits", "DailyRollup")
    owner = User.objects.create(email="owner@example.com", password="!")
    site = Site.objects.create(
        owner=owner, name="Shop", base_url="https://example.com", extra_domains="shop.example.org"
    )
    rows = [
        ("https://www.google.de/", "", "google.de"),
        ("http://google.com./", "", "google.com."),
        ("https://blog.example.com/", "", "blog.example.com"),
        ("https://shop.example.org/cart", "", "shop.example.org"),
        ("https://www.google.com/", "cpc", "google.com"),
        ("", "", ""),
    ]
    for number, (referrer, medium, domain) in enumerate(rows):
        Visit.objects.create(
            site=site,
            timestamp=datetime(2026, 3, 1, 9, number, tzinfo=UTC),
            url="https://example.com/pricing",
            path="/pricing",
            referrer=referrer,
            referrer_domain=domain,
            utm_medium=medium,
        )
    DailyRollup.objects.create(site=site, day=date(2026, 3, 1), dimension="referrer", value="x")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    migrated = new.get_model("visits", "Visit").objects.order_by("timestamp")
    assert list(migrated.values_list("referrer_domain", "referrer_source", "channel")) == [
        ("google.de", "Google", "Organic Search"),
        ("google.com", "Google", "Organic Search"),
        ("(internal)", "(internal)", "(internal)"),
        ("(internal)", "(internal)", "(internal)"),
        ("google.com", "Google", "Paid Search"),
        ("", "", "Direct"),
    ]
    assert not new.get_model("visits", "DailyRollup").objects.exists()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # reversible
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
