"""The dashboard through HTTP: periods, figures, filters as chips, the live panel, isolation."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visits(site):
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 15, 9, 0, tzinfo=UTC),
        url="https://blog.example.com/a",
        visitor_hash=1,
        country_code="DE",
        country="Germany",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
        url="https://blog.example.com/b",
        visitor_hash=2,
        country_code="FR",
        country="France",
        city="Paris",
        region="Île-de-France",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 15, 9, 5, tzinfo=UTC),
        url="https://blog.example.com/a",
        visitor_hash=1,
        event="signup",
        country_code="DE",
        country="Germany",
    )
    VisitFactory(site=site, timestamp=datetime(2026, 2, 20, 9, 0, tzinfo=UTC), visitor_hash=3)
    return site


def panel(response, dimension):
    return next(p for p in response.context["panels"] if p["dimension"] == dimension)


def test_dashboard_default_period_and_figures(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/")

    assert response.status_code == 200
    assert response.context["period"].key == "30d"
    headline = {label: (value, change) for label, value, change in response.context["headline"]}
    assert headline["Pageviews"] == (3, None)
    assert headline["Unique visitors"] == (3, None)
    assert headline["Events"] == (1, None)
    pages = [(row.value, row.visitors, row.count) for row, _ in panel(response, "page")["rows"]]
    assert pages == [("/", 1, 1), ("/a", 1, 1), ("/b", 1, 1)]  # ties sorted by path
    body = response.content.decode()
    assert "<svg" in body and 'class="bar"' in body
    assert "Last 30 days" in body


def test_period_today_is_hourly_and_compares_with_yesterday(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=day")
    headline = {label: (value, change) for label, value, change in response.context["headline"]}
    assert headline["Pageviews"] == (1, 0)  # one today, one yesterday
    assert len(response.context["points"]) == 24


def test_change_against_previous_period(owner_client, visits):
    VisitFactory(site=visits, timestamp=datetime(2026, 3, 13, 9, 0, tzinfo=UTC), visitor_hash=9)
    response = owner_client.get(
        f"/sites/{visits.pk}/stats/?period=custom&from=2026-03-14&to=2026-03-15"
    )
    headline = {label: (value, change) for label, value, change in response.context["headline"]}
    # Current: 14th-15th, two pageviews; previous: 12th-13th, one pageview.
    assert headline["Pageviews"] == (2, 100)


def test_clicking_a_row_filters_and_shows_a_removable_chip(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d")
    links = {row.value: href for row, href in panel(response, "country")["rows"]}
    assert links["FR"] == "?period=7d&country=FR"

    filtered = owner_client.get(f"/sites/{visits.pk}/stats/{links['FR']}")
    headline = {label: value for label, value, _ in filtered.context["headline"]}
    assert headline["Pageviews"] == 1
    assert filtered.context["filters"] == [("Country", "France", "?period=7d")]
    body = filtered.content.decode()
    assert "Country: <strong>France</strong>" in body  # its name, not the code in the URL
    assert 'aria-label="Remove filter Country"' in body
    cities = [row.label for row, _ in panel(filtered, "city")["rows"]]
    assert cities == ["Paris, France"]


def test_filters_combine_and_survive_period_changes(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&country=DE&page=/a")
    periods = {key: href for key, _, href, _ in response.context["periods"]}
    assert periods["30d"] == "?period=30d&page=%2Fa&country=DE"
    headline = {label: value for label, value, _ in response.context["headline"]}
    assert headline["Pageviews"] == 1 and headline["Events"] == 1


def test_bad_period_is_a_400_with_a_message(owner_client, visits):
    response = owner_client.get(
        f"/sites/{visits.pk}/stats/?period=custom&from=2026-03-20&to=2026-03-01"
    )
    assert response.status_code == 400
    assert "ends before it starts" in response.content.decode()


def test_hostile_filter_values_are_escaped(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?page=<script>x</script>&country=%00")
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()


def test_a_site_without_visits_shows_the_snippet_and_waits_for_the_first(owner_client, site):
    page = owner_client.get(f"/sites/{site.pk}/stats/").content.decode()
    assert "Waiting for the first visit" in page
    assert f"/sites/{site.pk}/visit" in page  # the snippet, aimed at the site's beacon
    assert "Nothing in this period." not in page
    assert owner_client.get(f"/sites/{site.pk}/stats/live").json()["has_visits"] is False

    VisitFactory(site=site, timestamp=datetime(2020, 1, 1, tzinfo=UTC))
    assert owner_client.get(f"/sites/{site.pk}/stats/live").json()["has_visits"] is True
    # Visits, none in this period: the dashboard, saying so.
    page = owner_client.get(f"/sites/{site.pk}/stats/").content.decode()
    assert "Waiting for the first visit" not in page
    assert "Nothing in this period." in page


def test_live_panel_json(owner_client, site):
    VisitFactory(site=site, timestamp=datetime(2026, 3, 15, 14, 58, tzinfo=UTC), visitor_hash=4)
    response = owner_client.get(f"/sites/{site.pk}/stats/live")
    assert response.json() == {"visitors": 1, "pageviews": 1, "has_visits": True}
    assert "no-cache" in response["Cache-Control"]


def test_other_owners_dashboard_is_404(owner_client, other_site):
    assert owner_client.get(f"/sites/{other_site.pk}/stats/").status_code == 404
    assert owner_client.get(f"/sites/{other_site.pk}/stats/live").status_code == 404


def test_dashboard_needs_login(client, site):
    assert client.get(f"/sites/{site.pk}/stats/").status_code == 302
    assert client.get(f"/sites/{site.pk}/stats/live").status_code == 401


def test_admin_has_a_reports_link(owner_client, site):
    body = owner_client.get("/admin/sites/site/").content.decode()
    assert f'href="/sites/{site.pk}/stats/"' in body


def test_dashboard_uses_a_bounded_number_of_queries(
    owner_client, visits, django_assert_max_num_queries
):
    owner_client.get(f"/sites/{visits.pk}/stats/?period=12mo")  # builds the rollups once
    from visits.stats.dimensions import PANELS

    # Per panel: finished days from rollups, today from visits; plus the headline and chart,
    # and today's visits (sessions) for the headline; the chart's notes, the team's segments, the
    # goals (read once for goals and revenue) and the two-factor check of the session; the
    # scroll depth of the site (this period and the one before) and of the top pages.
    with django_assert_max_num_queries(2 * (len(PANELS) + 3) + 9):
        assert owner_client.get(f"/sites/{visits.pk}/stats/?period=12mo").status_code == 200


@pytest.mark.parametrize(
    ("query", "chip"),
    [
        ("country=DE", "Germany"),
        ("country=de", "Germany"),
        ("country=XX", "XX"),  # not a country: shown as asked
        ("device=mobile", "Mobile"),
        ("referrer=direct", "Direct / none"),
        ("page=/a", "/a"),
    ],
)
def test_filter_chips_show_names(owner_client, visits, query, chip):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&{query}")
    assert [value for _, value, _ in response.context["filters"]] == [chip]


def test_panels_sit_in_tabbed_cards_with_proportion_bars(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d")
    groups = [
        (g["title"], [p["dimension"] for p in g["panels"]])
        for g in response.context["panel_groups"]
    ]
    assert groups[:5] == [
        (
            "Sources",
            [
                "channel",
                "referrer_source",
                "referrer",
                "source",
                "medium",
                "campaign",
                "term",
                "content",
            ],
        ),
        ("Pages", ["page", "entry", "exit"]),
        ("Locations", ["map", "country", "region", "city"]),
        ("Devices", ["browser", "os", "device", "screen"]),
        ("Events", ["event", "prop"]),
    ]
    body = response.content.decode()
    # The first tab of a card is shown, the others wait behind their tabs.
    assert 'id="panel-page" role="tabpanel" aria-labelledby="tab-page">' in body
    assert 'id="panel-entry" role="tabpanel" aria-labelledby="tab-entry" hidden>' in body
    assert 'aria-controls="panel-region" aria-selected="false" tabindex="-1"' in body
    # Bars are the row's share of the panel's largest row.
    pages = panel(response, "page")
    widths = [
        int(w)
        for w in re.findall(
            r'<rect width="(\d+)"', body.split('id="panel-page"')[1].split("</table>")[0]
        )
    ]
    expected = [round(row.visitors * 100 / pages["max"]) for row, _ in pages["rows"]]
    assert widths == expected and widths[0] == 100
