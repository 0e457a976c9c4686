"""The chart's metric through HTTP: each headline figure links to a chart of its own figure."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from visits.models import ENGAGEMENT
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visits(site):
    """Yesterday: one visitor, two pages in one visit of 4 minutes; today: two one-page visits
    (bounces) and a custom event in one of them."""
    hits = [
        (datetime(2026, 3, 14, 9, 0, tzinfo=UTC), 1, "pageview"),
        (datetime(2026, 3, 14, 9, 4, tzinfo=UTC), 1, "pageview"),
        (datetime(2026, 3, 15, 9, 0, tzinfo=UTC), 2, "pageview"),
        (datetime(2026, 3, 15, 10, 0, tzinfo=UTC), 3, "pageview"),
        (datetime(2026, 3, 15, 10, 1, tzinfo=UTC), 3, ENGAGEMENT),
    ]
    for timestamp, visitor, event in hits:
        VisitFactory(site=site, timestamp=timestamp, visitor_hash=visitor, event=event)
    return site


def bar_titles(response) -> list[str]:
    return re.findall(r'class="bar"><title>([^<]*)</title>', response.content.decode())


def test_each_headline_figure_links_to_its_chart_keeping_the_period(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d")
    html = response.content.decode()
    cards = dict(
        re.findall(
            r'<a class="card[^"]*" href="([^"]*)"[^>]*>\s*<span class="card-label">([^<]*)', html
        )
    )
    by_label = {label: href for href, label in cards.items()}
    assert by_label["Visits"] == "?period=7d&amp;metric=visits"
    assert by_label["Bounce rate"] == "?period=7d&amp;metric=bounce_rate"
    assert by_label["Visit duration"] == "?period=7d&amp;metric=duration"
    assert by_label["Pageviews"] == "?period=7d"  # the default chart
    # The default chart is marked as the current one.
    assert re.search(r'<a class="card current" href="\?period=7d" aria-current="true">', html)


def test_visits_chart_draws_visits_per_day_on_its_own_axis(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&metric=visits")
    assert response.status_code == 200
    titles = bar_titles(response)
    assert titles[-2:] == ["Sat 14 Mar: 1 visit", "Sun 15 Mar: 2 visits"]
    chart = response.context["chart"]
    assert chart["visitor_line"] == ""  # one figure, no second line on a shared axis
    assert [line.label for line in chart["grid"]] == ["0", "1", "2", "3", "4"]
    html = response.content.decode()
    assert 'aria-label="Visits per day"' in html
    assert re.search(r'<a class="card current" href="\?period=7d&amp;metric=visits"', html)


def test_bounce_rate_and_duration_charts_have_readable_axes(owner_client, visits):
    bounce = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&metric=bounce_rate")
    assert bar_titles(bounce)[-2:] == [
        "Sat 14 Mar: 0% bounce rate",
        "Sun 15 Mar: 100% bounce rate",
    ]
    assert [line.label for line in bounce.context["chart"]["grid"]][-1] == "100%"
    duration = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&metric=duration")
    # Yesterday's visit lasted 4 minutes; today's two, 0 and 60 seconds: 30 on average.
    assert bar_titles(duration)[-2:] == [
        "Sat 14 Mar: 4m 0s visit duration",
        "Sun 15 Mar: 30s visit duration",
    ]
    assert [line.label for line in duration.context["chart"]["grid"]] == [
        "0s", "1m 0s", "2m 0s", "3m 0s", "4m 0s",
    ]  # fmt: skip


def test_hourly_chart_draws_visits_per_hour(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=day&metric=visits")
    titles = bar_titles(response)
    assert "09:00: 1 visit" in titles and "10:00: 1 visit" in titles
    assert "11:00: 0 visits" in titles


def test_events_and_views_per_visit_charts(owner_client, visits):
    VisitFactory(site=visits, timestamp=datetime(2026, 3, 15, 11, 0, tzinfo=UTC), event="signup")
    events = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&metric=events")
    assert bar_titles(events)[-1] == "Sun 15 Mar: 1 event"
    views = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&metric=views_per_visit")
    assert bar_titles(views)[-2] == "Sat 14 Mar: 2 views per visit"


def test_period_and_filter_links_keep_the_chosen_metric(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?period=7d&metric=visits")
    html = response.content.decode()
    assert 'href="?period=30d&amp;metric=visits"' in html
    assert '<input type="hidden" name="metric" value="visits">' in html


def test_unknown_metric_is_a_clear_400_with_the_default_chart(owner_client, visits):
    response = owner_client.get(f"/sites/{visits.pk}/stats/?metric=revenue%3Cb%3E")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Unknown metric &#x27;revenue&lt;b&gt;&#x27;; use one of visitors, visits" in html
    assert response.context["metric"].key == "pageviews"
    assert response.context["chart"]["visitor_line"]  # the default chart still draws
    assert 'href="?period=30d"' in html  # links drop the bad value
