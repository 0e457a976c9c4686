"""Data rights: everything of a site exported, visits erased (all or some days), from the command
line and from the admin, never reaching another owner's site."""

import csv
import io
import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sites.services import goal_create, site_update
from visits.ingest.spool import Spool
from visits.models import DailyRollup, Visit
from visits.site_export import EXPORT_COLUMNS
from visits.stats.rollups import rollup_ensure
from visits.tests.factories import VisitFactory
from visits.tests.test_spool import row as spool_row

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def ny_visits(site, other_site):
    site_update(site=site, timezone="America/New_York")
    goal_create(site=site, name="Signed up", kind="event", value="signup")
    # 23:30 on 9 March and 00:30 on 10 March in New York (EDT, UTC-4).
    VisitFactory(site=site, timestamp=datetime(2026, 3, 10, 3, 30, tzinfo=UTC), visitor_hash=1)
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 10, 4, 30, tzinfo=UTC),
        visitor_hash=2,
        event="signup",
        props={"plan": "=1+1"},
    )
    VisitFactory(site=site, timestamp=datetime(2026, 3, 12, 15, 0, tzinfo=UTC), visitor_hash=3)
    VisitFactory(site=other_site, timestamp=datetime(2026, 3, 10, 4, 30, tzinfo=UTC))
    return site


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_export_holds_the_site_its_goals_and_every_visit(ny_visits):
    out, _ = run("export_site", str(ny_visits.pk))
    document = json.loads(out)
    assert document["site"]["base_url"] == ny_visits.base_url
    assert document["site"]["timezone"] == "America/New_York"
    assert document["goals"] == [
        {
            "name": "Signed up",
            "kind": "event",
            "value": "signup",
            "currency": "",
            "created_at": document["goals"][0]["created_at"],
        }
    ]
    assert [visit["visitor_hash"] for visit in document["visits"]] == [1, 2, 3]
    assert document["visits"][1]["props"] == {"plan": "=1+1"}
    assert document["visits"][0]["timestamp"] == "2026-03-10T03:30:00+00:00"
    assert set(document["visits"][0]) == set(EXPORT_COLUMNS)


def test_json_export_of_a_site_without_visits_is_valid(other_owner):
    from sites.services import site_create

    empty = site_create(owner=other_owner, name="Empty", base_url="https://empty.example")
    document = json.loads(run("export_site", str(empty.pk))[0])
    assert document["visits"] == [] and document["goals"] == []


def test_csv_export_to_a_file(ny_visits, tmp_path):
    target = tmp_path / "site.csv"
    _, err = run("export_site", str(ny_visits.pk), "--format", "csv", "--output", str(target))
    assert f"Wrote site {ny_visits.pk}" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert len(rows) == 4
    props = rows[2][EXPORT_COLUMNS.index("props")]
    assert json.loads(props) == {"plan": "=1+1"}  # a JSON object never starts a formula


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999"], "no site 999"),
        (["{site}", "--output", "/nonexistent/dir/x.json"], "Can't write"),
    ],
)
def test_export_errors(ny_visits, args, message):
    args = [arg.format(site=ny_visits.pk) for arg in args]
    with pytest.raises(CommandError, match=message):
        run("export_site", *args)


def test_erase_some_days_in_the_sites_time_zone(ny_visits, other_site):
    rollup_ensure(site=ny_visits, first_day=date(2026, 3, 1), last_day=date(2026, 3, 19), now=NOW)
    assert DailyRollup.objects.filter(site=ny_visits, day=date(2026, 3, 10)).exists()
    out, _ = run("erase_visits", str(ny_visits.pk), "--from", "2026-03-10", "--to", "2026-03-10",
                 "--dry-run")  # fmt: skip
    assert "Would erase 1 visits" in out
    assert Visit.objects.count() == 4
    out, _ = run("erase_visits", str(ny_visits.pk), "--from", "2026-03-10", "--to", "2026-03-10")
    assert "Erased 1 visits" in out
    assert sorted(ny_visits.visits.values_list("visitor_hash", flat=True)) == [1, 3]
    assert other_site.visits.count() == 1
    # The erased day's rollups are gone, to be rebuilt from what is left.
    assert not DailyRollup.objects.filter(site=ny_visits, day=date(2026, 3, 10)).exists()


def test_erase_everything_of_a_site(ny_visits, other_site):
    out, _ = run("erase_visits", str(ny_visits.pk))
    assert "Erased 3 visits" in out
    assert not ny_visits.visits.exists() and other_site.visits.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999"], "no site 999"),
        (["{site}", "--from", "yesterday"], "--from must be a date"),
        (["{site}", "--to", "2026-02-30"], "--to must be a date"),
        (["{site}", "--from", "2026-03-10", "--to", "2026-03-01"], "not be after"),
    ],
)
def test_erase_errors_touch_nothing(ny_visits, args, message):
    args = [arg.format(site=ny_visits.pk) for arg in args]
    with pytest.raises(CommandError, match=message):
        run("erase_visits", *args)
    assert Visit.objects.count() == 4


def test_admin_exports_one_of_the_owners_sites(owner_client, ny_visits, other_site):
    response = owner_client.post(
        "/admin/sites/site/",
        {"action": "export_everything", "_selected_action": [ny_visits.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="site-{ny_visits.pk}.json"'
    document = json.loads(b"".join(response.streaming_content))
    assert len(document["visits"]) == 3
    # Another owner's site can't be picked: the admin's queryset doesn't hold it.
    response = owner_client.post(
        "/admin/sites/site/",
        {"action": "export_everything", "_selected_action": [other_site.pk]},
    )
    assert not hasattr(response, "streaming_content")


def test_admin_erases_visits_after_confirmation(owner_client, ny_visits, other_site):
    selected = {"action": "erase_visits", "_selected_action": [ny_visits.pk, other_site.pk]}
    confirm = owner_client.post("/admin/sites/site/", selected)
    assert confirm.status_code == 200
    assert b"Erase all visits?" in confirm.content and b"3 recorded hits" in confirm.content
    assert other_site.name.encode() not in confirm.content
    assert Visit.objects.count() == 4
    done = owner_client.post("/admin/sites/site/", {**selected, "confirmed": "yes"}, follow=True)
    assert b"Erased 3 visits." in done.content
    assert not ny_visits.visits.exists()
    assert other_site.visits.count() == 1


def test_admin_erasure_reaches_the_spool(owner_client, site, other_site, tmp_path):
    spool = Spool(tmp_path, background=False)
    spool.append(spool_row(site, 1))
    spool.append(spool_row(other_site, 2))
    selected = {"action": "erase_visits", "_selected_action": [site.pk], "confirmed": "yes"}
    owner_client.post("/admin/sites/site/", selected, follow=True)
    assert spool.flush() == 1
    assert list(Visit.objects.values_list("visitor_hash", flat=True)) == [2]
