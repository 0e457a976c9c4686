"""Campaign terms and content through HTTP: tabs of the Sources card, their full lists, and the
filter their rows set."""

from datetime import UTC, datetime

import pytest
import time_machine

from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(site):
    for hour, (term, content) in enumerate([("shoes", "banner"), ("shoes", "text"), ("hats", "")]):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 15, 9 + hour, tzinfo=UTC),
            visitor_hash=hour + 1,
            utm_source="news",
            utm_term=term,
            utm_content=content,
        )
    VisitFactory(site=site, timestamp=datetime(2026, 3, 15, 13, tzinfo=UTC), visitor_hash=9)
    return site


def _get(client, path):
    with time_machine.travel(NOW, tick=False):
        return client.get(path)


def _panel(response, dimension):
    return next(p for p in response.context["panels"] if p["dimension"] == dimension)


def test_terms_and_content_are_tabs_of_the_sources_card(owner_client, tagged):
    response = _get(owner_client, f"/sites/{tagged.pk}/stats/?period=7d")
    body = response.content.decode()
    sources = next(g for g in response.context["panel_groups"] if g["title"] == "Sources")
    assert [p["dimension"] for p in sources["panels"]][-2:] == ["term", "content"]
    assert '<button type="button" role="tab" id="tab-term"' in body
    assert ">Campaign terms</button>" in body and ">Campaign content</button>" in body
    # Untagged visits are left out; the largest value first.
    assert [(row.label, row.visitors) for row, _ in _panel(response, "term")["rows"]] == [
        ("shoes", 2),
        ("hats", 1),
    ]
    assert [row.label for row, _ in _panel(response, "content")["rows"]] == ["banner", "text"]
    assert f'href="/sites/{tagged.pk}/stats/term/?period=7d"' in body
    assert f'href="/sites/{tagged.pk}/stats/content/?period=7d"' in body


def test_a_term_row_filters_the_dashboard_by_that_term(owner_client, tagged):
    response = _get(owner_client, f"/sites/{tagged.pk}/stats/?period=7d")
    href = {row.label: href for row, href in _panel(response, "term")["rows"]}["shoes"]
    assert href == "?period=7d&term=shoes"
    filtered = _get(owner_client, f"/sites/{tagged.pk}/stats/{href}")
    headline = {label: value for label, value, _ in filtered.context["headline"]}
    assert headline["Unique visitors"] == 2
    assert "Term: <strong>shoes</strong>" in filtered.content.decode()
    assert [row.label for row, _ in _panel(filtered, "content")["rows"]] == ["banner", "text"]


@pytest.mark.parametrize(
    ("dimension", "expected"), [("term", ["shoes", "hats"]), ("content", ["banner", "text"])]
)
def test_the_full_lists_of_terms_and_content(owner_client, tagged, dimension, expected):
    path = f"/sites/{tagged.pk}/stats/{dimension}/?period=7d"
    response = _get(owner_client, path)
    assert response.status_code == 200
    body = response.content.decode()
    for label in expected:
        assert f">{label}</a>" in body
    csv = _get(owner_client, path + "&format=csv")
    assert csv.status_code == 200
    lines = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert [line.split(",")[0] for line in lines.splitlines()[1:]] == expected
