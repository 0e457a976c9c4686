"""Saved segments: the filters they keep are checked, and a segment's figures are exactly those
of the same filters given explicitly: in the API, on the dashboard and in email digests."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from api.models import SCOPES
from api.services import token_create
from reports.services import subscription_create
from sites.models import Segment
from visits.segments import MAX_SEGMENTS_PER_SITE, segment_create
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db
BLOG = "https://blog.example.com"


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(owner):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_create(owner=owner, name='s', scopes=tuple(SCOPES))[1]}"
    )
    return client


@pytest.fixture
def visits(site):
    """Seven days of visits: Germans on /a (desktop and mobile), French on /a and /b."""
    rows = [
        (datetime(2026, 3, 15, 9, tzinfo=UTC), "/a", 1, "DE", "desktop", "pageview"),
        (datetime(2026, 3, 15, 9, 5, tzinfo=UTC), "/a", 1, "DE", "desktop", "signup"),
        (datetime(2026, 3, 14, 9, tzinfo=UTC), "/b", 2, "FR", "mobile", "pageview"),
        (datetime(2026, 3, 13, 10, tzinfo=UTC), "/a", 3, "FR", "desktop", "pageview"),
        (datetime(2026, 3, 10, 10, tzinfo=UTC), "/a", 4, "DE", "mobile", "pageview"),
        (datetime(2026, 3, 10, 11, tzinfo=UTC), "/b", 4, "DE", "mobile", "pageview"),
    ]
    for timestamp, path, visitor, country, device, event in rows:
        VisitFactory(
            site=site,
            timestamp=timestamp,
            url=BLOG + path,
            visitor_hash=visitor,
            country_code=country,
            country={"DE": "Germany", "FR": "France"}[country],
            device=device,
            event=event,
        )
    return site


# --- saving: only known filters, at least one ----------------------------------------------


def test_a_segment_keeps_its_filters_cleaned(site):
    segment = segment_create(
        site=site, name="  Germans \n on mobile ", filters={"country": " DE ", "device": "mobile"}
    )
    segment.refresh_from_db()
    assert segment.name == "Germans on mobile"
    assert segment.filters == {"country": "DE", "device": "mobile"}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": "red"}, "Unknown filter colour"),
        ({"country": "DE", "period": "7d"}, "Unknown filter period"),
        ({}, "at least one filter"),
        ({"country": "  "}, "at least one filter"),
        ({"country": 5}, "Each filter's value is text"),
        (["country", "DE"], "object of name: value"),
    ],
)
def test_unknown_or_missing_filters_are_refused(site, filters, message):
    with pytest.raises(ValidationError) as raised:
        segment_create(site=site, name="Bad", filters=filters)
    assert message in " ".join(raised.value.messages)
    assert not Segment.objects.exists()


def test_names_are_unique_per_site_and_segments_limited(site, other_site):
    segment_create(site=site, name="Germans", filters={"country": "DE"})
    segment_create(site=other_site, name="Germans", filters={"country": "DE"})  # another site
    with pytest.raises(ValidationError, match="segment of that name already"):
        segment_create(site=site, name="Germans", filters={"country": "AT"})
    Segment.objects.bulk_create(
        Segment(site=site, name=f"S{n}", filters={"page": f"/{n}"})
        for n in range(MAX_SEGMENTS_PER_SITE - 1)
    )
    with pytest.raises(ValidationError, match="at most 100 segments"):
        segment_create(site=site, name="One too many", filters={"country": "DE"})


# --- a segment's figures are its filters' figures --------------------------------------------

SEGMENT_FILTERS = [{"country": "DE"}, {"country": "DE", "page": "/a"}, {"device": "mobile"}]


@pytest.mark.parametrize("filters", SEGMENT_FILTERS)
@pytest.mark.parametrize(
    ("endpoint", "extra"),
    [
        ("stats", {}),
        ("timeseries", {}),
        ("breakdown", {"dimension": "page"}),
        ("breakdown", {"dimension": "entry"}),
        ("goals", {}),
        ("visits", {}),
    ],
)
def test_every_endpoint_gives_a_segment_the_figures_of_its_filters(
    api, visits, mode, filters, endpoint, extra
):
    segment = segment_create(site=visits, name="Segment", filters=filters)
    url = f"/api/v1/sites/{visits.pk}/{endpoint}/"
    with_segment = api.get(url, {"period": "7d", "segment": segment.pk, **extra})
    explicit = api.get(url, {"period": "7d", **filters, **extra})
    assert with_segment.status_code == explicit.status_code == 200
    assert with_segment.json() == explicit.json()
    assert with_segment.json() != api.get(url, {"period": "7d", **extra}).json() or (
        endpoint == "goals"  # no goals: an empty list either way
    )


def test_a_segments_figures_are_exact(api, visits, mode):
    segment = segment_create(
        site=visits, name="Germans on /a", filters={"country": "DE", "page": "/a"}
    )
    body = api.get(f"/api/v1/sites/{visits.pk}/stats/?period=7d&segment={segment.pk}").json()
    assert body["filters"] == {"country": "DE", "page": "/a"}
    # Visitor 1 on the 15th (a pageview and an event), visitor 4 on the 10th.
    assert (body["totals"]["pageviews"], body["totals"]["visitors"], body["totals"]["events"]) == (
        2,
        2,
        1,
    )
    rows = api.get(
        f"/api/v1/sites/{visits.pk}/breakdown/?dimension=device&period=7d&segment={segment.pk}"
    ).json()
    assert sorted((row["value"], row["visitors"], row["count"]) for row in rows) == [
        ("desktop", 1, 1),
        ("mobile", 1, 1),
    ]


def test_explicit_filters_narrow_a_segment_and_win_for_the_same_name(api, visits, mode):
    segment = segment_create(site=visits, name="Germans", filters={"country": "DE"})
    stats = f"/api/v1/sites/{visits.pk}/stats/?period=7d&segment={segment.pk}"
    narrowed = api.get(stats + "&device=mobile").json()
    assert narrowed["filters"] == {"country": "DE", "device": "mobile"}
    assert narrowed["totals"]["pageviews"] == 2  # visitor 4's two pages on the 10th
    instead = api.get(stats + "&country=FR").json()
    assert instead["filters"] == {"country": "FR"}
    assert instead["totals"]["pageviews"] == 2  # the two French pageviews


@pytest.mark.parametrize("raw", ["999999", "abc", "-1", "1.5", "9" * 40, "\u0661"])
def test_an_unknown_segment_is_a_400_with_a_json_error(api, visits, raw):
    for endpoint in ("stats", "timeseries", "breakdown", "goals", "visits", "export"):
        response = api.get(
            f"/api/v1/sites/{visits.pk}/{endpoint}/", {"segment": raw, "dimension": "page"}
        )
        assert response.status_code == 400, endpoint
        assert "No segment" in response.json()["segment"][0]


def test_another_sites_segment_is_refused(api, visits, other_site):
    theirs = segment_create(site=other_site, name="Theirs", filters={"country": "DE"})
    response = api.get(f"/api/v1/sites/{visits.pk}/stats/", {"segment": theirs.pk})
    assert response.status_code == 400
    assert "segment" in response.json()


# --- the API's segments ----------------------------------------------------------------------


def test_segments_are_created_listed_and_deleted_in_the_api(api, site, other_site):
    base = f"/api/v1/sites/{site.pk}/segments/"
    created = api.post(
        base,
        {"name": "Mobile Germans", "filters": {"country": "DE", "device": "mobile"}},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["filters"]) == (
        "Mobile Germans",
        {"country": "DE", "device": "mobile"},
    )
    assert [row["id"] for row in api.get(base).json()] == [body["id"]]

    unknown = api.post(base, {"name": "Red", "filters": {"colour": "red"}}, format="json")
    assert unknown.status_code == 400
    assert "Unknown filter colour" in unknown.json()["filters"][0]
    empty = api.post(base, {"name": "Empty", "filters": {}}, format="json")
    assert empty.status_code == 400 and "filters" in empty.json()
    twice = api.post(base, {"name": "Mobile Germans", "filters": {"page": "/"}}, format="json")
    assert twice.status_code == 400
    assert Segment.objects.filter(site=site).count() == 1

    theirs = segment_create(site=other_site, name="Theirs", filters={"page": "/"})
    assert api.delete(f"{base}{theirs.pk}/").status_code == 404
    assert api.delete(f"{base}{body['id']}/").status_code == 204
    assert api.get(base).json() == []
    assert Segment.objects.filter(pk=theirs.pk).exists()


def test_the_schema_describes_segments_and_the_segment_parameter(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/sites/{id}/segments/",
        "/api/v1/sites/{id}/segments/{segment_id}/",
        "/api/v1/sites/{id}/annotations/",
        "/api/v1/sites/{id}/annotations/{annotation_id}/",
    ):
        assert path in paths
    for endpoint in ("stats", "timeseries", "breakdown", "goals", "visits", "export"):
        parameters = paths[f"/api/v1/sites/{{id}}/{endpoint}/"]["get"]["parameters"]
        [segment] = [p for p in parameters if p["name"] == "segment"]
        assert "saved segments" in segment["description"], endpoint


# --- the dashboard -------------------------------------------------------------------------


def test_the_dashboard_saves_the_filters_as_a_segment_and_offers_it(owner_client, visits):
    page = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&country=DE&device=mobile")
    assert "Save these filters as a segment" in page.content.decode()
    response = owner_client.post(
        f"/sites/{visits.pk}/segments/",
        {
            "name": "Mobile Germans",
            "country": "DE",
            "device": "mobile",
            "next": "period=7d&country=DE&device=mobile",
        },
    )
    assert response.status_code == 302
    assert response.url == f"/sites/{visits.pk}/stats/?period=7d&country=DE&device=mobile"
    segment = Segment.objects.get(site=visits)
    assert segment.filters == {"country": "DE", "device": "mobile"}

    plain = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d")
    [item] = plain.context["segments"]
    assert item["segment"] == segment and not item["current"]
    assert item["href"] == "?period=7d&country=DE&device=mobile"
    assert ">Mobile Germans</a>" in plain.content.decode()
    applied = owner_client.get(f"/sites/{visits.pk}/stats/{item['href']}")
    assert applied.context["segments"][0]["current"]


def test_the_dashboard_form_refuses_unknown_filters(owner_client, visits):
    response = owner_client.post(
        f"/sites/{visits.pk}/segments/", {"name": "Odd", "colour": "red"}, follow=True
    )
    assert "Unknown filter colour" in response.content.decode()
    assert not Segment.objects.exists()


def test_the_dashboard_takes_a_segment_parameter_as_the_api_does(owner_client, visits, mode):
    segment = segment_create(site=visits, name="Germans", filters={"country": "DE"})
    by_segment = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&segment={segment.pk}")
    explicit = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&country=DE")
    assert by_segment.context["headline"] == explicit.context["headline"]
    assert [name for name, _, _ in by_segment.context["filters"]] == ["Country"]
    unknown = owner_client.get(f"/sites/{visits.pk}/stats/?segment=999")
    assert unknown.status_code == 400
    assert "No segment" in unknown.content.decode()


def test_removing_a_segment_from_the_dashboard(owner_client, visits, other_site):
    segment = segment_create(site=visits, name="Germans", filters={"country": "DE"})
    theirs = segment_create(site=other_site, name="Theirs", filters={"country": "DE"})
    assert owner_client.post(f"/sites/{visits.pk}/segments/{theirs.pk}/delete/").status_code == 404
    response = owner_client.post(
        f"/sites/{visits.pk}/segments/{segment.pk}/delete/", {"next": "period=7d"}
    )
    assert response.url == f"/sites/{visits.pk}/stats/?period=7d"
    assert list(Segment.objects.all()) == [theirs]


def test_the_redirect_back_stays_on_the_dashboard(owner_client, visits):
    response = owner_client.post(
        f"/sites/{visits.pk}/segments/",
        {"name": "Germans", "country": "DE", "next": "https://evil.example/?x=1"},
    )
    assert response.url.startswith(f"/sites/{visits.pk}/stats/?")


# --- email digests -----------------------------------------------------------------------


def test_a_digest_of_a_segment_has_the_segments_figures(visits, settings):
    settings.PUBLIC_URL = "https://stats.example.com"
    segment = segment_create(site=visits, name="Germans", filters={"country": "DE"})
    subscription_create(
        site=visits, email="de@example.com", frequency="weekly", alerts=False, segment=segment
    )
    subscription_create(site=visits, email="all@example.com", frequency="weekly", alerts=False)
    with time_machine.travel(datetime(2026, 3, 16, 7, tzinfo=UTC), tick=False):
        call_command("send_reports", stdout=None)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    germans, everyone = bodies["de@example.com"], bodies["all@example.com"]
    assert "Only the segment “Germans”: country DE" in germans
    assert "Pageviews: 3" in germans and "Unique visitors: 2" in germans
    assert "France" not in germans
    assert f"/sites/{visits.pk}/stats/?segment={segment.pk}" in germans
    assert "Pageviews: 5" in everyone and "segment" not in everyone


def test_a_subscription_takes_only_its_sites_segments(visits, other_site):
    theirs = segment_create(site=other_site, name="Theirs", filters={"country": "DE"})
    with pytest.raises(ValidationError, match="this site's segments"):
        subscription_create(
            site=visits, email="x@example.com", frequency="weekly", alerts=False, segment=theirs
        )


def test_deleting_a_segment_keeps_its_subscribers_on_all_visits(visits):
    segment = segment_create(site=visits, name="Germans", filters={"country": "DE"})
    subscription = subscription_create(
        site=visits, email="de@example.com", frequency="weekly", alerts=False, segment=segment
    )
    segment.delete()
    subscription.refresh_from_db()
    assert subscription.segment is None


def test_the_email_reports_page_offers_the_sites_segments_only(owner_client, visits, other_site):
    ours = segment_create(site=visits, name="Germans", filters={"country": "DE"})
    theirs = segment_create(site=other_site, name="Theirs", filters={"country": "DE"})
    page = owner_client.get(f"/sites/{visits.pk}/reports/").content.decode()
    assert ">Germans</option>" in page and "Theirs" not in page
    refused = owner_client.post(
        f"/sites/{visits.pk}/reports/",
        {"email": "x@example.com", "frequency": "weekly", "segment": theirs.pk},
    )
    assert refused.status_code == 400
    owner_client.post(
        f"/sites/{visits.pk}/reports/",
        {"email": "x@example.com", "frequency": "weekly", "segment": ours.pk},
    )
    [subscription] = visits.subscriptions.all()
    assert subscription.segment == ours
    assert "<td>Germans</td>" in owner_client.get(f"/sites/{visits.pk}/reports/").content.decode()
