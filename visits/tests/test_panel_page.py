"""A dashboard panel's full list ("More"): every row, a page at a time, filterable and as CSV,
for the team and behind a shared link."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from sites.services import shared_link_create
from visits.stats.panel_page import ROWS_PER_PAGE
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def many_pages(site):
    """Page n is seen by n+1 visitors (pages 0..59), all German but page 0's French visitor."""
    for number in range(60):
        for visitor in range(number + 1):
            VisitFactory(
                site=site,
                timestamp=NOW - timedelta(hours=2),
                url=f"https://blog.example.com/p{number}",
                visitor_hash=number * 1000 + visitor,
                country_code="FR" if number == 0 else "DE",
                country="France" if number == 0 else "Germany",
            )
    return site


def test_each_panel_links_to_its_full_list_keeping_period_and_filters(owner_client, many_pages):
    response = owner_client.get(f"/sites/{many_pages.pk}/stats/", {"period": "day"})
    html = response.content.decode()
    assert f'href="/sites/{many_pages.pk}/stats/page/?period=day"' in html
    assert len(response.context["panels"][0]["rows"]) == 10  # the dashboard shows the top ten
    filtered = owner_client.get(
        f"/sites/{many_pages.pk}/stats/", {"period": "day", "country": "DE"}
    ).content.decode()
    assert f'href="/sites/{many_pages.pk}/stats/country/?period=day&amp;country=DE"' in filtered


def test_the_full_list_pages_through_every_row_in_rank_order(owner_client, many_pages):
    url = f"/sites/{many_pages.pk}/stats/page/"
    first = owner_client.get(url, {"period": "day"})
    assert first.status_code == 200
    assert first.context["total_rows"] == 60
    labels = [row.label for row, _ in first.context["rows"]]
    assert len(labels) == ROWS_PER_PAGE
    assert labels[:3] == ["/p59", "/p58", "/p57"]
    html = first.content.decode()
    assert "Page 1 of 2" in html and 'href="?period=day&amp;p=2"' in html
    second = owner_client.get(url, {"period": "day", "p": "2"})
    rest = [row.label for row, _ in second.context["rows"]]
    assert rest == [f"/p{n}" for n in range(9, -1, -1)]
    # Rows filter the dashboard, not the list.
    href = {row.label: href for row, href in second.context["rows"]}["/p3"]
    assert href == f"/sites/{many_pages.pk}/stats/?period=day&page=%2Fp3"
    # A page out of range or not a number shows the nearest page, never an error.
    assert owner_client.get(url, {"period": "day", "p": "99"}).context["page_obj"].number == 2
    assert owner_client.get(url, {"period": "day", "p": "x"}).context["page_obj"].number == 1


def test_the_full_list_is_filtered_like_the_dashboard(owner_client, many_pages):
    response = owner_client.get(
        f"/sites/{many_pages.pk}/stats/page/", {"period": "day", "country": "FR"}
    )
    assert [(row.label, row.visitors) for row, _ in response.context["rows"]] == [("/p0", 1)]
    assert "Country: <strong>France</strong>" in response.content.decode()


def test_the_full_list_downloads_as_csv(owner_client, many_pages):
    response = owner_client.get(
        f"/sites/{many_pages.pk}/stats/page/", {"period": "day", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="page-site-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Top pages", "Visitors", "Pageviews"]
    assert len(rows) == 61
    assert rows[1] == ["/p59", "60", "60"] and rows[-1] == ["/p0", "1", "1"]


def test_entry_pages_list_has_bounce_rate_and_visits(owner_client, many_pages):
    response = owner_client.get(
        f"/sites/{many_pages.pk}/stats/entry/", {"period": "day", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Entry pages", "Visitors", "Visits", "Bounce rate", "Visit duration (s)"]
    assert rows[1][:4] == ["/p59", "60", "60", "100"]


def test_unknown_panel_is_404_and_bad_period_400(owner_client, many_pages):
    assert owner_client.get(f"/sites/{many_pages.pk}/stats/nothing/").status_code == 404
    bad = owner_client.get(f"/sites/{many_pages.pk}/stats/page/", {"period": "forever"})
    assert bad.status_code == 400 and "error" in bad.content.decode()


def test_strangers_get_404_and_anonymous_users_the_login(client, many_pages, other_site):
    stranger = Client()
    stranger.force_login(other_site.owner)
    assert stranger.get(f"/sites/{many_pages.pk}/stats/page/").status_code == 404
    response = client.get(f"/sites/{many_pages.pk}/stats/page/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_shared_link_has_the_full_lists_too_but_not_its_embed(many_pages):
    link = shared_link_create(site=many_pages)
    anonymous = Client()
    dashboard = anonymous.get(f"/share/{link.token}/", {"period": "day"}).content.decode()
    assert f'href="/share/{link.token}/stats/page/?period=day"' in dashboard
    listing = anonymous.get(f"/share/{link.token}/stats/page/", {"period": "day", "p": "2"})
    assert listing.status_code == 200
    assert listing.context["rows"][0][1] == f"/share/{link.token}/?period=day&page=%2Fp9"
    embed = anonymous.get(f"/share/{link.token}/embed/", {"period": "day"}).content.decode()
    assert "/stats/page/" not in embed
    assert anonymous.get("/share/not-a-token/stats/page/").status_code == 404
