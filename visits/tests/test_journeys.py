"""Journeys: exact paths on known visits (lengths, reloads, short visits, the 30-minute gap,
midnight in the site's time zone, filters and period), and the report page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from api.models import READ
from api.services import token_create
from visits.stats.journeys import JourneyError, JourneyParams, journey_params, journey_report
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
DAY = datetime(2026, 3, 14, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def hit(site, visitor, hour, minute, path, event="pageview", **fields):
    VisitFactory(
        site=site,
        timestamp=DAY + timedelta(hours=hour, minutes=minute),
        url=f"https://blog.example.com{path}",
        visitor_hash=visitor,
        event=event,
        **fields,
    )


@pytest.fixture
def known_visits(site):
    # 1: four pages, a reload of /pricing is one step.
    hit(site, 1, 9, 0, "/")
    hit(site, 1, 9, 5, "/pricing")
    hit(site, 1, 9, 6, "/pricing")
    hit(site, 1, 9, 10, "/signup")
    hit(site, 1, 9, 12, "/docs")
    # 2: three pages.
    hit(site, 2, 9, 0, "/")
    hit(site, 2, 9, 5, "/pricing")
    hit(site, 2, 9, 7, "/signup")
    # 3: one page, its own shorter path.
    hit(site, 3, 9, 0, "/")
    # 4: two pages.
    hit(site, 4, 9, 0, "/")
    hit(site, 4, 9, 5, "/blog")
    # 5: /pricing 40 minutes after /: two visits.
    hit(site, 5, 9, 0, "/")
    hit(site, 5, 9, 40, "/pricing")
    # 6: starts elsewhere.
    hit(site, 6, 9, 0, "/pricing")
    hit(site, 6, 9, 5, "/signup")
    # 7: an engagement ping keeps the visit open; it is no step.
    hit(site, 7, 9, 0, "/")
    hit(site, 7, 9, 25, "/", "engagement")
    hit(site, 7, 9, 50, "/pricing")
    # 8: 23:50 and 00:05: midnight ends the visit.
    hit(site, 8, 23, 50, "/")
    hit(site, 8, 24, 5, "/pricing")
    # 9: from France.
    hit(site, 9, 10, 0, "/", country_code="FR", country="France")
    hit(site, 9, 10, 1, "/pricing", country_code="FR", country="France")
    # 10: back to / later is a step again (only a repeat right after itself collapses).
    hit(site, 10, 9, 0, "/")
    hit(site, 10, 9, 1, "/pricing")
    hit(site, 10, 9, 2, "/")


def paths(report):
    return [(" → ".join(row.pages), row.visitors, row.share) for row in report.rows]


def report(site, tz="UTC", key="7d", filters=None, **params):
    period = period_resolve(key=key, tz_name=tz, now=NOW)
    return journey_report(
        site=site, period=period, filters=filters or {}, params=JourneyParams(**params)
    )


def test_first_three_pages_of_every_visit(site, known_visits):
    result = report(site, steps=3)
    assert result.visits == 12
    assert paths(result) == [
        ("/", 3, 25.0),  # visitors 3, 5 (before the gap), 8 (before midnight)
        ("/ → /pricing", 2, 16.7),  # 7, 9
        ("/ → /pricing → /signup", 2, 16.7),  # 1 (cut at three pages), 2
        ("/pricing", 2, 16.7),  # 5 after the gap, 8 after midnight
        ("/ → /blog", 1, 8.3),
        ("/ → /pricing → /", 1, 8.3),
        ("/pricing → /signup", 1, 8.3),
    ]


def test_from_an_entry_page(site, known_visits):
    result = report(site, entry="/", steps=2)
    assert result.visits == 9
    assert paths(result) == [("/ → /pricing", 5, 55.6), ("/", 3, 33.3), ("/ → /blog", 1, 11.1)]


def test_towards_an_exit_page(site, known_visits):
    result = report(site, exit="/signup", steps=3)
    assert paths(result) == [("/ → /pricing → /signup", 1, 50.0), ("/pricing → /signup", 1, 50.0)]
    longest = report(site, exit="/docs", steps=5)
    assert paths(longest) == [("/ → /pricing → /signup → /docs", 1, 100.0)]


def test_filters_and_period(site, known_visits):
    assert paths(report(site, filters={"country": "FR"})) == [("/ → /pricing", 1, 100.0)]
    # Today (15 March) holds only visitor 8's /pricing after midnight.
    assert paths(report(site, key="day")) == [("/pricing", 1, 100.0)]


def test_midnight_in_the_sites_time_zone(site):
    hit(site, 1, 22, 50, "/")  # 23:50 in Berlin
    hit(site, 1, 23, 5, "/pricing")  # 00:05 the next day in Berlin
    hit(site, 2, 21, 50, "/")  # 22:50 and 23:05 in Berlin: one visit
    hit(site, 2, 22, 5, "/pricing")
    assert paths(report(site, tz="Europe/Berlin", entry="/")) == [
        ("/", 1, 50.0),
        ("/ → /pricing", 1, 50.0),
    ]
    assert paths(report(site, tz="UTC", entry="/")) == [("/ → /pricing", 2, 100.0)]


def test_a_visitor_counts_once_a_day_but_every_visit_counts(site):
    hit(site, 1, 9, 0, "/")
    hit(site, 1, 11, 0, "/")  # a second visit of the same visitor that day
    hit(site, 1, -12, 0, "/")  # the day before: another visitor, as everywhere
    result = report(site)
    assert result.visits == 3
    assert [(row.pages, row.visitors, row.visits) for row in result.rows] == [(("/",), 2, 3)]


def test_parameters_are_checked():
    assert journey_params({}) == JourneyParams(steps=3)
    assert journey_params({"entry": "/a", "steps": "5"}) == JourneyParams(entry="/a", steps=5)
    for bad in ({"steps": "1"}, {"steps": "6"}, {"steps": "x"}, {"entry": "pricing"},
                {"exit": "signup"}, {"entry": "/a", "exit": "/b"}):  # fmt: skip
        with pytest.raises(JourneyError):
            journey_params(bad)


def test_page_shows_paths_with_links_and_keeps_parameters(owner_client, site, known_visits):
    url = f"/sites/{site.pk}/journeys/"
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(url, {"period": "7d", "entry": "/", "steps": "2"})
        filtered = owner_client.get(url, {"period": "7d", "country": "FR"})
    assert response.status_code == 200
    body = response.content.decode()
    assert re.findall(r'<td class="num">([^<]*)</td>', body) == [
        "5", "55.6%", "3", "33.3%", "1", "11.1%"
    ]  # fmt: skip
    dashboard = f"/sites/{site.pk}/stats/?period=7d"
    link = f'<a href="{dashboard}&amp;page=%2F" title="The dashboard for this page">/</a> → '
    assert link in body
    assert f'href="{dashboard}&amp;page=%2Fpricing"' in body
    assert 'href="?period=30d&amp;entry=%2F&amp;steps=2"' in body  # the period picker keeps them
    assert "Country: <strong>" in filtered.content.decode()
    assert re.findall(r'<td class="num">([^<]*)</td>', filtered.content.decode()) == ["1", "100.0%"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"steps": "6"}, "from 2 to 5"),
        ({"entry": "pricing"}, "starting with"),
        ({"period": "custom", "from": "2026-03-10", "to": "nope"}, "custom range needs"),
    ],
)
def test_bad_parameters_are_a_400_page(owner_client, site, params, message):
    response = owner_client.get(f"/sites/{site.pk}/journeys/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    # A bad period shows the default one, as the funnels do; bad journey parameters show no paths.
    assert ('class="table journeys"' in response.content.decode()) == ("period" in params)


def test_the_dashboard_links_to_journeys(owner_client, site, known_visits):
    body = owner_client.get(f"/sites/{site.pk}/stats/").content.decode()
    assert f'href="/sites/{site.pk}/journeys/"' in body


def test_api_gives_the_same_paths_and_refuses_bad_parameters(owner, site, known_visits):
    read_api = APIClient()
    read_api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_create(owner=owner, name='r', scopes=[READ])[1]}"
    )
    url = f"/api/v1/sites/{site.pk}/journeys/"
    with time_machine.travel(NOW, tick=False):
        response = read_api.get(url, {"period": "7d", "exit": "/signup", "steps": "3"})
        bad_steps = read_api.get(url, {"steps": "1"})
        bad_page = read_api.get(url, {"entry": "pricing"})
    assert response.status_code == 200
    body = response.json()
    assert (body["entry"], body["exit"], body["steps"], body["visits"]) == ("", "/signup", 3, 2)
    assert body["paths"] == [
        {"pages": ["/", "/pricing", "/signup"], "visitors": 1, "visits": 1, "share": 50.0},
        {"pages": ["/pricing", "/signup"], "visitors": 1, "visits": 1, "share": 50.0},
    ]
    assert bad_steps.status_code == 400
    assert "from 2 to 5" in bad_steps.json()["detail"]
    assert bad_page.status_code == 400
    assert "starting with" in bad_page.json()["detail"]
