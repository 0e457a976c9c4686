"""The API's figures are the dashboard's figures, for known visits."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
import time_machine

from conftest import IPHONE_UA
from visits.models import Visit
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_totals
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db
IPHONE = IPHONE_UA


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visits(site):
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 15, 9, tzinfo=UTC),
        url="https://blog.example.com/a",
        visitor_hash=1,
        country_code="DE",
        country="Germany",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 15, 9, 5, tzinfo=UTC),
        url="https://blog.example.com/a",
        visitor_hash=1,
        event="signup",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 14, 9, tzinfo=UTC),
        url="https://blog.example.com/b",
        visitor_hash=2,
        country_code="FR",
        country="France",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 5, 9, tzinfo=UTC),
        url="https://blog.example.com/c",
        visitor_hash=3,
        country_code="FR",
        country="France",
    )
    return site


def test_stats_match_the_dashboard(api, visits):
    response = api.get(f"/api/v1/sites/{visits.pk}/stats/", {"period": "7d"})
    assert response.status_code == 200
    body = response.json()
    # Visitor 1: a pageview and an event 5 minutes later (a visit of 300 s, not a bounce);
    # visitor 2: one pageview (a bounce).
    assert body["totals"] == {
        "pageviews": 2,
        "visitors": 2,
        "events": 1,
        "pages_per_visitor": 1.0,
        "visits": 2,
        "bounces": 1,
        "bounce_rate": 50,
        "visit_duration": 150,
        "views_per_visit": 1.0,
    }
    assert body["previous"] == {
        "pageviews": 1,
        "visitors": 1,
        "events": 0,
        "pages_per_visitor": 1.0,
        "visits": 1,
        "bounces": 1,
        "bounce_rate": 100,
        "visit_duration": 0,
        "views_per_visit": 1.0,
    }
    assert body["period"] == {
        "key": "7d",
        "first_day": "2026-03-09",
        "last_day": "2026-03-15",
        "previous_first_day": "2026-03-02",
        "previous_last_day": "2026-03-08",
        "timezone": "UTC",
    }
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    totals, _ = visit_totals(site=visits, period=period, filters={}, now=NOW)
    assert (
        body["totals"]["pageviews"] == totals.pageviews
        and body["totals"]["visitors"] == totals.visitors
    )


def test_stats_with_filters_and_custom_period(api, visits):
    response = api.get(
        f"/api/v1/sites/{visits.pk}/stats/",
        {"period": "custom", "from": "2026-03-01", "to": "2026-03-15", "country": "FR"},
    )
    assert response.json()["totals"]["pageviews"] == 2
    assert response.json()["filters"] == {"country": "FR"}


@pytest.mark.parametrize(
    "query",
    [
        {"period": "fortnight"},
        {"period": "custom", "from": "x", "to": "y"},
        {"period": "custom", "from": "2026-03-10", "to": "2026-03-01"},
    ],
)
def test_bad_period_is_400(api, visits, query):
    response = api.get(f"/api/v1/sites/{visits.pk}/stats/", query)
    assert response.status_code == 400
    assert "period" in response.json()


def test_timeseries(api, visits):
    points = api.get(f"/api/v1/sites/{visits.pk}/timeseries/", {"period": "7d"}).json()
    assert len(points) == 7
    assert [(p["bucket"][:10], p["pageviews"], p["visitors"]) for p in points[-2:]] == [
        ("2026-03-14", 1, 1),
        ("2026-03-15", 1, 1),
    ]
    hourly = api.get(f"/api/v1/sites/{visits.pk}/timeseries/", {"period": "day"}).json()
    assert len(hourly) == 24 and hourly[9]["pageviews"] == 1


@pytest.mark.parametrize(
    "dimension",
    ["page", "referrer", "country", "region", "city", "browser", "os", "device", "event", "entry",
     "exit"],
)  # fmt: skip
def test_breakdown_of_every_dimension_matches_the_dashboard(api, visits, dimension):
    rows = api.get(
        f"/api/v1/sites/{visits.pk}/breakdown/", {"dimension": dimension, "period": "30d"}
    ).json()
    period = period_resolve(key="30d", tz_name="UTC", now=NOW)
    expected = visit_breakdown(site=visits, period=period, filters={}, dimension=dimension, now=NOW)
    assert rows == [
        {
            "value": r.value,
            "label": r.label,
            "visitors": r.visitors,
            "count": r.count,
            "bounce_rate": r.bounce_rate,
            "visit_duration": r.visit_duration,
        }
        for r in expected
    ]
    assert rows


def test_breakdown_exact_order(api, visits):
    rows = api.get(
        f"/api/v1/sites/{visits.pk}/breakdown/", {"dimension": "country", "period": "30d"}
    ).json()
    assert [(r["value"], r["visitors"], r["count"]) for r in rows] == [("FR", 2, 2), ("DE", 1, 1)]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"dimension": "colour"},
        {"dimension": "page", "limit": "0"},
        {"dimension": "page", "limit": "x"},
    ],
)
def test_bad_breakdown_is_400(api, visits, query):
    assert api.get(f"/api/v1/sites/{visits.pk}/breakdown/", query).status_code == 400


def test_visits_are_cursor_paginated_and_filterable(api, site):
    for number in range(25):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 10, 12, number, tzinfo=UTC),
            url=f"https://blog.example.com/{number}",
            country_code="DE" if number % 2 else "FR",
        )
    seen, url = [], f"/api/v1/sites/{site.pk}/visits/?page_size=10"
    while url:
        page = api.get(url).json()
        seen += [row["url"] for row in page["results"]]
        url = page["next"]
    assert seen == [f"https://blog.example.com/{number}" for number in reversed(range(25))]
    german = api.get(f"/api/v1/sites/{site.pk}/visits/", {"country": "DE", "page_size": 100}).json()
    assert len(german["results"]) == 12
    window = api.get(
        f"/api/v1/sites/{site.pk}/visits/",
        {"since": "2026-03-10T12:05:00Z", "until": "2026-03-10T12:10:00Z"},
    ).json()
    assert len(window["results"]) == 5
    assert api.get(f"/api/v1/sites/{site.pk}/visits/", {"since": "yesterday"}).status_code == 400


def test_export_csv_and_jsonl_stream(api, visits):
    response = api.get(f"/api/v1/sites/{visits.pk}/export/")
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["timestamp", "url", "referrer"] and len(rows) == 5

    response = api.get(f"/api/v1/sites/{visits.pk}/export/", {"format": "jsonl", "country": "FR"})
    lines = [
        json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()
    ]
    assert [line["url"] for line in lines] == [
        "https://blog.example.com/c",
        "https://blog.example.com/b",
    ]
    assert api.get(f"/api/v1/sites/{visits.pk}/export/", {"format": "xml"}).status_code == 400


def test_other_owners_figures_are_404(api, other_site):
    for path in ("stats/", "timeseries/", "breakdown/?dimension=page", "visits/", "export/"):
        assert api.get(f"/api/v1/sites/{other_site.pk}/{path}").status_code == 404


def test_server_side_event_is_stored_through_the_beacons_service(api, site, geoip_dir):
    response = api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {
            "url": "https://blog.example.com/checkout",
            "event": "purchase",
            "ip": "81.2.69.142",
            "user_agent": IPHONE,
        },
        format="json",
    )
    assert response.status_code == 202
    assert response.json() == {"stored": True, "skipped": ""}
    visit = Visit.objects.get(event="purchase")
    assert (visit.city, visit.device, visit.browser, visit.path) == (
        "London",
        "mobile",
        "Safari",
        "/checkout",
    )
    stats = api.get(f"/api/v1/sites/{site.pk}/stats/", {"period": "day"}).json()
    assert stats["totals"]["events"] == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "https://evil.example/", "user_agent": "Mozilla/5.0"}, "url"),
        ({"url": "javascript:x", "user_agent": "Mozilla/5.0"}, "url"),
        ({"url": "https://blog.example.com/"}, "user_agent"),
        (
            {"url": "https://blog.example.com/", "user_agent": "Mozilla/5.0", "ip": "999.1.1.1"},
            "ip",
        ),
    ],
)
def test_bad_events_are_400(api, site, payload, field):
    response = api.post(f"/api/v1/sites/{site.pk}/events/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Visit.objects.exists()


def test_bot_events_are_accepted_not_stored(api, site):
    response = api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": "https://blog.example.com/", "user_agent": "curl/8.5.0"},
        format="json",
    )
    assert response.json() == {"stored": False, "skipped": "bot"}
    assert not Visit.objects.exists()


def test_read_only_token_cannot_send_events(read_api, site):
    response = read_api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": "https://blog.example.com/", "user_agent": "Mozilla/5.0"},
        format="json",
    )
    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_entry_pages_carry_bounce_rate_and_duration(api, visits):
    rows = api.get(
        f"/api/v1/sites/{visits.pk}/breakdown/", {"dimension": "entry", "period": "7d"}
    ).json()
    assert [(r["value"], r["count"], r["bounce_rate"], r["visit_duration"]) for r in rows] == [
        ("/a", 1, 0, 300),
        ("/b", 1, 100, 0),
    ]


def test_event_properties_through_the_api(api, site):
    for plan in ("pro", "pro", "free"):
        response = api.post(
            f"/api/v1/sites/{site.pk}/events/",
            {
                "url": "https://blog.example.com/checkout",
                "event": "purchase",
                "user_agent": IPHONE,
                "props": {"plan": plan, "seats": 3},
            },
            format="json",
        )
        assert response.status_code == 202
    rows = api.get(
        f"/api/v1/sites/{site.pk}/breakdown/", {"dimension": "prop", "key": "plan", "period": "day"}
    ).json()
    assert [(r["value"], r["count"]) for r in rows] == [("plan=pro", 2), ("plan=free", 1)]
    stats = api.get(f"/api/v1/sites/{site.pk}/stats/", {"period": "day", "prop": "plan=free"})
    assert stats.json()["totals"]["events"] == 1
    listed = api.get(f"/api/v1/sites/{site.pk}/visits/", {"prop": "plan=free"}).json()
    assert [visit["props"] for visit in listed["results"]] == [{"plan": "free", "seats": "3"}]


@pytest.mark.parametrize(
    "props",
    [{f"k{n}": "v" for n in range(11)}, {"nested": {"a": "b"}}, {"k" * 41: "v"}, "text"],
)
def test_unusable_event_properties_are_400(api, site, props):
    response = api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": "https://blog.example.com/", "user_agent": IPHONE, "props": props},
        format="json",
    )
    assert response.status_code == 400
    assert "props" in response.json()
    assert not Visit.objects.exists()


def test_goals_are_listed_with_conversions_added_and_removed(api, read_api, visits):
    url = f"/api/v1/sites/{visits.pk}/goals/"
    created = api.post(
        url, {"name": "Signed up", "kind": "event", "value": "signup"}, format="json"
    )
    assert created.status_code == 201
    page_goal = api.post(url, {"name": "Saw B", "kind": "page", "value": "/b"}, format="json")
    assert page_goal.status_code == 201
    duplicate = api.post(url, {"name": "Again", "kind": "event", "value": "signup"}, format="json")
    assert duplicate.status_code == 400
    rows = api.get(url, {"period": "7d"}).json()
    assert [(r["name"], r["visitors"], r["completions"], r["rate"]) for r in rows] == [
        ("Saw B", 1, 1, 50.0),
        ("Signed up", 1, 1, 50.0),
    ]
    goal_id = created.json()["id"]
    assert read_api.delete(f"{url}{goal_id}/").status_code == 403
    assert api.delete(f"{url}{goal_id}/").status_code == 204
    assert api.delete(f"{url}{goal_id}/").status_code == 404
    assert [r["name"] for r in api.get(url).json()] == ["Saw B"]


def test_goals_of_another_owners_site_are_404(api, other_site):
    url = f"/api/v1/sites/{other_site.pk}/goals/"
    assert api.get(url).status_code == 404
    assert (
        api.post(url, {"name": "x", "kind": "event", "value": "x"}, format="json").status_code
        == 404
    )


def test_events_that_cannot_be_spooled_are_503_json_and_not_stored(api, site, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.BEACON_WRITE_MODE = "spool"
    settings.BEACON_SPOOL_DIR = blocker / "spool"

    response = api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": "https://blog.example.com/", "user_agent": IPHONE},
        format="json",
    )
    assert response.status_code == 503
    assert response.json() == {"detail": "Temporarily unavailable, try again later."}
    assert not Visit.objects.exists()
