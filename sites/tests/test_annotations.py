"""Notes on the chart and saved segments by role: the team reads them, managers and owners add
and remove them, strangers find nothing; on the dashboard, the admin, the API and shared links."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sites.models import Annotation, Segment
from sites.services import MAX_ANNOTATIONS_PER_SITE, annotation_create, shared_link_create
from visits.segments import segment_create
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
WRITES = {"owner": True, "manager": True, "viewer": False}


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visited(site):
    for day in range(1, 16):
        VisitFactory(site=site, timestamp=datetime(2026, 3, day, 12, tzinfo=UTC))
    return site


@pytest.fixture
def note(site):
    return annotation_create(site=site, day=date(2026, 3, 12), text="New pricing page")


def markers(body: str) -> list[str]:
    return re.findall(r'<g class="marker" data-day="([0-9-]+)"><title>([^<]*)</title>', body)


# --- the chart ------------------------------------------------------------------------------


def test_a_note_in_the_period_is_a_marker_on_its_day_and_listed(owner_client, visited, note):
    annotation_create(site=visited, day=date(2026, 3, 12), text="Newsletter sent")
    annotation_create(site=visited, day=date(2026, 3, 1), text="Outside the week")
    response = owner_client.get(f"/sites/{visited.pk}/stats/?period=7d")
    body = response.content.decode()
    assert markers(body) == [("2026-03-12", "Thu 12 Mar: New pricing page; Newsletter sent")]
    [marker] = response.context["chart"]["markers"]
    bar = response.context["chart"]["bars"][3]  # 9 to 15 March: the 12th is the fourth day
    assert marker.x == round(bar.x + bar.width / 2, 2)
    notes = body[body.index('<div class="annotations"') :]
    assert '<time datetime="2026-03-12">12 Mar 2026</time> New pricing page' in notes
    assert "Outside the week" not in body


def test_a_note_outside_the_period_has_no_marker(owner_client, visited, note):
    body = owner_client.get(f"/sites/{visited.pk}/stats/?period=day").content.decode()
    assert markers(body) == []
    assert "New pricing page" not in body
    custom = f"/sites/{visited.pk}/stats/?period=custom&from=2026-03-12&to=2026-03-12"
    assert markers(owner_client.get(custom).content.decode()) == [
        ("2026-03-12", "Thu 12 Mar: New pricing page")
    ]  # one day: hourly, the marker at the day's start


def test_shared_links_show_notes_but_not_the_teams_segments_or_forms(client, visited, note):
    segment_create(site=visited, name="Germans", filters={"country": "DE"})
    link = shared_link_create(site=visited)
    body = client.get(f"/share/{link.token}/?period=7d").content.decode()
    assert markers(body) == [("2026-03-12", "Thu 12 Mar: New pricing page")]
    assert "New pricing page" in body
    assert "Germans" not in body
    assert "Add note" not in body and "Save these filters" not in body


def test_notes_are_one_line_and_limited(site):
    note = annotation_create(site=site, day=date(2026, 3, 1), text="  New\x00 pricing\n page ")
    assert note.text == "New pricing page"
    with pytest.raises(ValidationError):
        annotation_create(site=site, day=date(2026, 3, 1), text=" \n ")
    with pytest.raises(ValidationError):
        annotation_create(site=site, day=date(2026, 3, 1), text="x" * 201)
    Annotation.objects.bulk_create(
        Annotation(site=site, day=date(2026, 1, 1), text=str(n))
        for n in range(MAX_ANNOTATIONS_PER_SITE - 1)
    )
    with pytest.raises(ValidationError, match="at most 1000 notes"):
        annotation_create(site=site, day=date(2026, 3, 1), text="One too many")


# --- pages by role --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "manager", "viewer", "stranger"])
def test_who_adds_and_removes_notes_from_the_dashboard(as_user, visited, note, who):
    client = as_user(who)
    page = client.get(f"/sites/{visited.pk}/stats/?period=7d")
    if who == "stranger":
        assert page.status_code == 404
    else:
        assert "New pricing page" in page.content.decode()  # the whole team reads them
        assert ("Add note" in page.content.decode()) is WRITES[who]
    added = client.post(
        f"/sites/{visited.pk}/annotations/",
        {"day": "2026-03-14", "text": "Launch", "next": "period=7d"},
    )
    removed = client.post(f"/sites/{visited.pk}/annotations/{note.pk}/delete/")
    expected = {"owner": 302, "manager": 302, "viewer": 403, "stranger": 404}[who]
    assert (added.status_code, removed.status_code) == (expected, expected)
    texts = list(Annotation.objects.values_list("text", flat=True))
    assert texts == (["Launch"] if WRITES.get(who) else ["New pricing page"])
    if WRITES.get(who):
        assert added.url == f"/sites/{visited.pk}/stats/?period=7d"
        assert Annotation.objects.get(text="Launch").created_by.email.startswith(who)


def test_a_bad_note_is_a_message_not_an_error(as_user, visited):
    response = as_user("manager").post(
        f"/sites/{visited.pk}/annotations/", {"day": "not a day", "text": "Launch"}, follow=True
    )
    assert response.status_code == 200
    assert "The note was not added" in response.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("who", ["owner", "manager", "viewer", "stranger"])
def test_who_saves_and_removes_segments_from_the_dashboard(as_user, visited, who):
    segment = segment_create(site=visited, name="Germans", filters={"country": "DE"})
    client = as_user(who)
    page = client.get(f"/sites/{visited.pk}/stats/?period=7d&device=mobile")
    if who != "stranger":
        body = page.content.decode()
        assert ">Germans</a>" in body  # shared with the whole team
        assert ("Save these filters as a segment" in body) is WRITES[who]
    saved = client.post(f"/sites/{visited.pk}/segments/", {"name": "Mobile", "device": "mobile"})
    removed = client.post(f"/sites/{visited.pk}/segments/{segment.pk}/delete/")
    expected = {"owner": 302, "manager": 302, "viewer": 403, "stranger": 404}[who]
    assert (saved.status_code, removed.status_code) == (expected, expected)
    names = list(Segment.objects.values_list("name", flat=True))
    assert names == (["Mobile"] if WRITES.get(who) else ["Germans"])


# --- the API by role -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "manager", "viewer", "stranger"])
def test_who_lists_creates_and_deletes_notes_in_the_api(api_as, site, note, who):
    api = api_as(who)
    base = f"/api/v1/sites/{site.pk}/annotations/"
    listed = api.get(base)
    created = api.post(base, {"day": "2026-03-14", "text": "Launch"}, format="json")
    deleted = api.delete(f"{base}{note.pk}/")
    if who == "stranger":
        assert (listed.status_code, created.status_code, deleted.status_code) == (404, 404, 404)
    elif who == "viewer":
        assert listed.json() == [
            {"id": note.pk, "day": "2026-03-12", "text": "New pricing page",
             "created_at": listed.json()[0]["created_at"]}
        ]  # fmt: skip
        assert (created.status_code, deleted.status_code) == (403, 403)
        assert "detail" in created.json()
    else:
        assert listed.status_code == 200
        assert created.status_code == 201
        assert (created.json()["day"], created.json()["text"]) == ("2026-03-14", "Launch")
        assert deleted.status_code == 204
    expected = ["Launch"] if WRITES.get(who) else ["New pricing page"]
    assert list(Annotation.objects.values_list("text", flat=True)) == expected


def test_bad_notes_in_the_api_are_400s(api_as, site):
    api = api_as("manager")
    base = f"/api/v1/sites/{site.pk}/annotations/"
    assert "day" in api.post(base, {"day": "soon", "text": "x"}, format="json").json()
    assert "text" in api.post(base, {"day": "2026-03-01", "text": ""}, format="json").json()
    too_long = api.post(base, {"day": "2026-03-01", "text": "x" * 201}, format="json")
    assert too_long.status_code == 400 and "text" in too_long.json()
    assert api.delete(f"{base}999999/").status_code == 404


@pytest.mark.parametrize("who", ["owner", "manager", "viewer", "stranger"])
def test_who_lists_creates_and_deletes_segments_in_the_api(api_as, site, who):
    segment = segment_create(site=site, name="Germans", filters={"country": "DE"})
    api = api_as(who)
    base = f"/api/v1/sites/{site.pk}/segments/"
    listed = api.get(base)
    created = api.post(base, {"name": "Mobile", "filters": {"device": "mobile"}}, format="json")
    deleted = api.delete(f"{base}{segment.pk}/")
    figures = api.get(f"/api/v1/sites/{site.pk}/stats/", {"segment": segment.pk})
    expected = {"owner": 201, "manager": 201, "viewer": 403, "stranger": 404}[who]
    assert created.status_code == expected
    assert deleted.status_code == {201: 204, 403: 403, 404: 404}[expected]
    if who == "stranger":
        assert listed.status_code == 404 and figures.status_code == 404
    else:
        assert [row["name"] for row in listed.json()] == ["Germans"]
    if who == "viewer":
        assert figures.status_code == 200  # the team's segments are everyone's to read with
        assert figures.json()["filters"] == {"country": "DE"}
    names = ["Mobile"] if WRITES.get(who) else ["Germans"]
    assert list(Segment.objects.values_list("name", flat=True)) == names


# --- the admin -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "manager", "viewer"])
def test_the_admin_shows_the_teams_notes_and_segments_and_lets_managers_change_them(
    as_user, site, note, who
):
    segment = segment_create(site=site, name="Germans", filters={"country": "DE"})
    client = as_user(who)
    for url in ("/admin/sites/annotation/", "/admin/sites/segment/"):
        assert client.get(url).status_code == 200
    assert "New pricing page" in client.get("/admin/sites/annotation/").content.decode()
    assert "Germans" in client.get("/admin/sites/segment/").content.decode()
    change = client.post(
        f"/admin/sites/segment/{segment.pk}/change/",
        {"site": site.pk, "name": "Germans", "filters": '{"country": "AT"}'},
    )
    segment.refresh_from_db()
    assert (segment.filters == {"country": "AT"}) is WRITES[who]
    assert change.status_code == (302 if WRITES[who] else 403)


def test_the_admin_refuses_unknown_filters(as_user, site):
    response = as_user("manager").post(
        "/admin/sites/segment/add/",
        {"site": site.pk, "name": "Red", "filters": '{"colour": "red"}'},
    )
    assert response.status_code == 200
    assert "Unknown filter colour" in response.content.decode()
    created = as_user("manager").post(
        "/admin/sites/segment/add/",
        {"site": site.pk, "name": "Mobile", "filters": '{"device": "mobile"}'},
    )
    assert created.status_code == 302
    assert Segment.objects.get().created_by.email == "manager@example.net"


def test_strangers_find_no_notes_in_the_admin(as_user, note):
    client = as_user("stranger")
    assert "New pricing page" not in client.get("/admin/sites/annotation/").content.decode()
    assert client.get(f"/admin/sites/annotation/{note.pk}/change/").status_code == 404
