"""Scroll depth and page performance in the reports: exact averages and 75th percentiles from
known engagement pings, on the dashboard, its Pages panel and the Performance page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sites.services import shared_link_create
from visits.stats.performance import METRICS, Vital, percentile_75
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
BASE = "https://blog.example.com"

# (path, country, scroll, lcp, inp, cls): page views measured in the last 7 days.
PINGS = [
    ("/a", "DE", 10, 1000, 100, 0.05),
    ("/a", "DE", 20, 2000, 150, 0.2),
    ("/a", "DE", 40, 3000, None, 0.3),
    ("/a", "DE", 50, 4000, None, None),
    ("/b", "FR", 90, 5000, 600, None),
]


def measured_site(site):
    """PINGS on `site`, a pageview for each page, a ping from the week before (scroll 30) and
    one from outside the period with a terrible LCP that no figure may count."""
    hour_ago = NOW - timedelta(hours=1)
    for path in ("/a", "/b"):
        VisitFactory(site=site, url=BASE + path, timestamp=hour_ago, country_code="DE")
    for path, country, scroll, lcp, inp, cls in PINGS:
        ping = VisitFactory.build(
            site=site, url=BASE + path, event="engagement", timestamp=hour_ago,
            country_code=country, scroll_depth=scroll, lcp=lcp, inp=inp, ttfb=300,
        )  # fmt: skip
        ping.cls = cls  # a factory's own argument name: set apart
        ping.save()
    VisitFactory(
        site=site, url=BASE + "/a", event="engagement", timestamp=NOW - timedelta(days=9),
        scroll_depth=30, lcp=99000,
    )  # fmt: skip
    return site


@pytest.fixture
def measured(site):
    return measured_site(site)


def test_percentile_75_is_the_nearest_rank():
    assert percentile_75([]) is None
    assert percentile_75([7]) == 7
    assert percentile_75([4000, 1000, 3000, 2000]) == 3000  # ceil(0.75 * 4) = 3rd
    assert percentile_75([1, 2, 3, 4, 5]) == 4  # ceil(3.75) = 4th


@pytest.mark.parametrize(
    ("name", "value", "rating"),
    [
        ("lcp", 2500, "good"), ("lcp", 2501, "needs improvement"),
        ("lcp", 4000, "needs improvement"), ("lcp", 4001, "poor"),
        ("inp", 200, "good"), ("inp", 500, "needs improvement"), ("inp", 501, "poor"),
        ("cls", 0.1, "good"), ("cls", 0.25, "needs improvement"), ("cls", 0.2501, "poor"),
        ("fcp", 1800, "good"), ("fcp", 3000, "needs improvement"), ("fcp", 3001, "poor"),
        ("ttfb", 800, "good"), ("ttfb", 1800, "needs improvement"), ("ttfb", 1801, "poor"),
        ("lcp", None, ""),
    ],
)  # fmt: skip
def test_ratings_follow_googles_thresholds(name, value, rating):
    metric = next(metric for metric in METRICS if metric.name == name)
    assert Vital(metric=metric, p75=value, samples=1).rating == rating


def _cells(body: str, row: str) -> list[tuple[str, str]]:
    """(rating, text) of each vital cell in the table row whose first cell holds `row`."""
    line = re.search(rf"<tr[^>]*>\s*<t[hd][^>]*>(?:<a[^>]*>)?{re.escape(row)}<.*?</tr>", body, re.S)
    assert line, row
    return re.findall(r'data-rating="([^"]*)"[^>]*>([^<]*)</td>', line.group(0))


def test_the_performance_page_shows_p75s_coloured_by_rating(owner_client, measured):
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(f"/sites/{measured.pk}/performance/?period=7d")
    assert response.status_code == 200
    body = response.content.decode()
    # lcp, inp, cls, fcp, ttfb
    assert _cells(body, "Whole site") == [
        ("needs improvement", "4,000 ms"), ("poor", "600 ms"), ("poor", "0.300"),
        ("", "—"), ("good", "300 ms"),
    ]  # fmt: skip
    assert _cells(body, "/a") == [
        ("needs improvement", "3,000 ms"), ("good", "150 ms"), ("poor", "0.300"),
        ("", "—"), ("good", "300 ms"),
    ]  # fmt: skip
    assert _cells(body, "/b") == [
        ("poor", "5,000 ms"), ("poor", "600 ms"), ("", "—"), ("", "—"), ("good", "300 ms"),
    ]  # fmt: skip
    assert 'class="num vital needs-improvement"' in body
    site_row = re.search(r"Whole site</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)%", body)
    assert site_row.groups() == ("5", "42")  # (10 + 20 + 40 + 50 + 90) / 5
    assert re.search(r">/a</a></td>\s*<td[^>]*>4</td>\s*<td[^>]*>30%", body)
    assert re.search(r">/b</a></td>\s*<td[^>]*>1</td>\s*<td[^>]*>90%", body)


def test_the_performance_page_follows_the_dashboard_filters(owner_client, measured):
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(
            f"/sites/{measured.pk}/performance/?period=7d&country=FR"
        ).content.decode()
    assert _cells(body, "Whole site")[0] == ("poor", "5,000 ms")
    assert ">/a</a>" not in body
    assert "Country: <strong>" in body  # the filter chip, to remove it


def test_the_performance_page_is_the_sites_teams_only(client, other_owner, measured, password):
    client.force_login(other_owner)
    assert client.get(f"/sites/{measured.pk}/performance/").status_code == 404
    client.logout()
    assert client.get(f"/sites/{measured.pk}/performance/").status_code == 302


def test_a_bad_period_is_a_400_not_a_500(owner_client, measured):
    response = owner_client.get(f"/sites/{measured.pk}/performance/?period=custom&from=x")
    assert response.status_code == 400


def test_the_dashboard_shows_the_scroll_depth_and_links_the_report(owner_client, measured):
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(f"/sites/{measured.pk}/stats/?period=7d").content.decode()
    card = re.search(
        r'id="scroll-depth">.*?card-value">([^<]*)<.*?card-change[^>]*>\s*([^<]*?)\s*<', body, re.S
    )
    assert card.groups() == ("42%", "+12 pts")  # against the week before's 30
    assert f'href="/sites/{measured.pk}/performance/?period=7d"' in body
    pages = re.search(r'id="panel-page".*?</table>', body, re.S).group(0)
    assert '<th class="num" title="The average deepest point reached' in pages
    rows = re.findall(
        r'title="Filter by ([^"]+)".*?<td class="num">(\d+|—)%?</td>\s*</tr>', pages, re.S
    )
    assert dict(rows) == {"/a": "30", "/b": "90"}


def test_the_dashboard_without_measurements_shows_a_dash(owner_client, site):
    VisitFactory(site=site, url=BASE + "/a")
    body = owner_client.get(f"/sites/{site.pk}/stats/").content.decode()
    card = re.search(r'id="scroll-depth">.*?card-value">([^<]*)<', body, re.S)
    assert card.group(1) == "—"


def test_a_page_view_with_several_pings_counts_its_deepest_once(owner_client, site):
    """A tab hidden twice sends two pings (30, then the deepest so far, 80); another visitor's one
    ping says 40. Per page view that is (80 + 40) / 2 = 60, where averaging pings would say 50."""
    hour_ago = NOW - timedelta(hours=1)
    for visitor in (1, 2):
        VisitFactory(site=site, url=BASE + "/a", timestamp=hour_ago, visitor_hash=visitor)
    for visitor, scroll in ((1, 30), (1, 80), (2, 40)):
        VisitFactory(
            site=site, url=BASE + "/a", event="engagement", timestamp=hour_ago,
            visitor_hash=visitor, scroll_depth=scroll,
        )  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(f"/sites/{site.pk}/stats/?period=7d").content.decode()
        report = owner_client.get(f"/sites/{site.pk}/performance/?period=7d").content.decode()
    assert re.search(r'id="scroll-depth">.*?card-value">([^<]*)<', body, re.S).group(1) == "60%"
    pages = re.search(r'id="panel-page".*?</table>', body, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)%?</td>\s*</tr>', pages) == ["60"]
    site_row = re.search(r"Whole site</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)%", report)
    assert site_row.groups() == ("2", "60")  # two page views measured, not three pings


def test_a_shared_link_opens_the_same_performance_report_read_only(client, owner_client, measured):
    link = shared_link_create(site=measured, name="Board")
    with time_machine.travel(NOW, tick=False):
        team = owner_client.get(f"/sites/{measured.pk}/performance/?period=7d").content.decode()
        board = client.get(f"/share/{link.token}/").content.decode()
        shared = client.get(f"/share/{link.token}/performance/?period=7d")
    assert f'href="/share/{link.token}/performance/">Performance</a>' in board
    assert shared.status_code == 200
    body = shared.content.decode()
    assert _cells(body, "Whole site") == _cells(team, "Whole site")
    assert _cells(body, "/a") == _cells(team, "/a")
    assert f'href="/share/{link.token}/?period=7d&amp;page=%2Fa"' in body  # pages stay shared
    assert f"/sites/{measured.pk}/" not in body
    assert client.get("/share/not-a-token/performance/").status_code == 404


def test_a_password_protected_link_asks_before_the_performance_report(client, measured):
    link = shared_link_create(site=measured, password="open sesame")
    url = f"/share/{link.token}/performance/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/share/{link.token}/"
    client.post(f"/share/{link.token}/", {"password": "open sesame"})
    assert client.get(url).status_code == 200
