"""The all-sites overview on `/sites/` and the combined dashboard, for known visits."""

from datetime import UTC, datetime

import pytest
import time_machine

from sites.models import Membership, Role
from sites.services import site_create
from visits.models import ENGAGEMENT
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_totals
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def sites(site, owner, other_owner, other_site):
    """Blog (3 visitors in the last 7 days, 1 before), Docs (4, 8 before), Agency (a team
    site: 1, none before); and a stranger's Shop (10 today), never shown."""
    docs = site_create(owner=owner, name="Docs", base_url="https://docs.example.com")
    agency = site_create(owner=other_owner, name="Agency", base_url="https://agency.example.net")
    Membership.objects.create(site=agency, user=owner, role=Role.VIEWER)
    VisitFactory(site=site, timestamp=at(15), visitor_hash=1)
    VisitFactory(site=site, timestamp=at(15, 10), visitor_hash=1, url="https://blog.example.com/a")
    VisitFactory(site=site, timestamp=at(15, 11), visitor_hash=1, event=ENGAGEMENT)
    VisitFactory(site=site, timestamp=at(15), visitor_hash=2)
    VisitFactory(site=site, timestamp=at(10), visitor_hash=3)
    VisitFactory(site=site, timestamp=at(5), visitor_hash=4)
    for number in range(4):
        VisitFactory(site=docs, timestamp=at(12), visitor_hash=100 + number)
    for number in range(8):
        VisitFactory(site=docs, timestamp=at(3), visitor_hash=200 + number)
    VisitFactory(site=agency, timestamp=at(15, 12), visitor_hash=1)
    for number in range(10):
        VisitFactory(site=other_site, timestamp=at(15), visitor_hash=300 + number)
    return {"blog": site, "docs": docs, "agency": agency, "shop": other_site}


def rows_of(response) -> dict[str, tuple[int, int, int | None]]:
    return {
        item.site.name: (item.today, item.visitors, item.change)
        for item in response.context["overviews"]
    }


def names_of(response) -> list[str]:
    return [item.site.name for item in response.context["overviews"]]


def test_overview_shows_each_visible_sites_figures(owner_client, sites):
    response = owner_client.get("/sites/?period=7d")
    assert response.status_code == 200
    assert rows_of(response) == {
        "Blog": (2, 3, 200),
        "Docs": (0, 4, -50),
        "Agency": (1, 1, None),
    }
    html = response.content.decode()
    assert f'href="/sites/{sites["blog"].pk}/"' in html
    assert "Shop" not in html
    blog = next(item for item in response.context["overviews"] if item.site.name == "Blog")
    # A week of daily visitors: one on the 10th, two today.
    assert blog.days == [0, 1, 0, 0, 0, 0, 2]
    assert blog.pageviews == 4  # two of visitor 1 today, and one each of 2 and 3; no ping
    assert blog.sparkline in html and html.count("<polyline") == 3


def test_overview_other_periods_and_previous(owner_client, sites):
    day = rows_of(owner_client.get("/sites/?period=day"))
    assert day == {"Blog": (2, 2, None), "Docs": (0, 0, None), "Agency": (1, 1, None)}
    month = rows_of(owner_client.get("/sites/?period=custom&from=2026-03-01&to=2026-03-15"))
    assert month["Docs"] == (0, 12, None)
    assert month["Blog"] == (2, 4, None)


def test_overview_bad_period_is_a_400_with_the_default(owner_client, sites):
    response = owner_client.get("/sites/?period=fortnight")
    assert response.status_code == 400
    assert "Unknown period" in response.content.decode()
    assert rows_of(response)["Docs"] == (0, 12, None)  # 30 days: both of its days


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("", ["Docs", "Blog", "Agency"]),
        ("-visitors", ["Docs", "Blog", "Agency"]),
        ("visitors", ["Agency", "Blog", "Docs"]),
        ("name", ["Agency", "Blog", "Docs"]),
        ("-name", ["Docs", "Blog", "Agency"]),
        ("-change", ["Blog", "Docs", "Agency"]),
        ("change", ["Docs", "Blog", "Agency"]),
        ("nonsense", ["Docs", "Blog", "Agency"]),
    ],
)
def test_overview_sorts(owner_client, sites, sort, names):
    assert names_of(owner_client.get(f"/sites/?period=7d&sort={sort}")) == names


def test_overview_reads_a_few_queries_for_many_sites(
    owner_client, owner, sites, django_assert_max_num_queries
):
    for number in range(12):
        extra = site_create(
            owner=owner, name=f"Extra {number}", base_url=f"https://x{number}.example.com"
        )
        VisitFactory(site=extra, timestamp=at(11), visitor_hash=1)
    owner_client.get("/sites/?period=7d")  # builds the rollups once
    with django_assert_max_num_queries(8):
        response = owner_client.get("/sites/?period=7d")
    assert len(response.context["overviews"]) == 15


def test_overview_needs_a_login(client, sites):
    assert client.get("/sites/").status_code == 302


def combined(owner_client, query: str):
    response = owner_client.get(f"/sites/all/stats/{query}")
    assert response.status_code == 200
    return response


def test_combined_totals_are_the_sum_of_the_sites(owner_client, sites):
    response = combined(owner_client, "?period=7d")
    assert [site.name for site in response.context["sites"]] == ["Agency", "Blog", "Docs"]
    totals, previous = response.context["totals"], response.context["previous"]
    expected = [
        visit_totals(
            site=sites[name],
            period=period_resolve(key="7d", tz_name="UTC", now=NOW),
            filters={},
            now=NOW,
        )
        for name in ("blog", "docs", "agency")
    ]
    assert totals.visitors == 8 == sum(pair[0].visitors for pair in expected)
    assert totals.pageviews == 9 == sum(pair[0].pageviews for pair in expected)
    assert totals.sessions == sum(pair[0].sessions for pair in expected)
    assert previous.visitors == 9
    headline = {label: value for label, value, _ in response.context["headline"]}
    assert headline["Unique visitors"] == 8
    points = response.context["points"]
    assert [point.visitors for point in points] == [0, 1, 0, 4, 0, 0, 3]
    assert sum(point.pageviews for point in points) == 9


def test_combined_panels_add_up_the_same_value_across_sites(owner_client, sites):
    response = combined(owner_client, "?period=7d")
    pages = next(p for p in response.context["panels"] if p["dimension"] == "page")
    by_page = {row.value: (row.visitors, row.count) for row, _ in pages["rows"]}
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    home = [
        row
        for name in ("blog", "docs", "agency")
        for row in visit_breakdown(
            site=sites[name], period=period, filters={}, dimension="page", now=NOW
        )
        if row.value == "/"
    ]
    assert by_page["/"] == (sum(r.visitors for r in home), sum(r.count for r in home)) == (8, 8)
    assert by_page["/a"] == (1, 1)


def test_combined_filters_apply_to_every_site(owner_client, sites):
    response = combined(owner_client, "?period=7d&page=/a")
    assert response.context["totals"].visitors == 1
    assert "Page" in response.content.decode()


def test_combined_chosen_sites(owner_client, sites):
    query = f"?period=7d&sites={sites['blog'].pk},{sites['docs'].pk}"
    response = combined(owner_client, query)
    assert response.context["totals"].visitors == 7
    assert response.context["sites_value"] == f"{sites['blog'].pk},{sites['docs'].pk}"
    # Checkboxes on /sites/ send the parameter once per site.
    again = combined(
        owner_client, f"?period=7d&sites={sites['blog'].pk}&sites={sites['agency'].pk}"
    )
    assert again.context["totals"].visitors == 4


@pytest.mark.parametrize("value", ["shop", "blog,shop", "abc", "999999", ","])
def test_combined_refuses_sites_that_are_not_the_users(owner_client, sites, value):
    ids = (
        ",".join(str(sites[n].pk) if n in sites else n for n in value.split(","))
        if value != ","
        else ","
    )
    assert owner_client.get(f"/sites/all/stats/?sites={ids}").status_code == 404


def test_combined_excludes_strangers_sites_by_default(owner_client, sites):
    response = combined(owner_client, "?period=day")
    assert "Shop" not in response.content.decode()
    assert response.context["totals"].visitors == 3


def test_combined_bad_period_is_a_400(owner_client, sites):
    assert owner_client.get("/sites/all/stats/?period=nope").status_code == 400


def test_combined_without_sites(client, other_owner):
    client.force_login(other_owner)
    Membership.objects.all().delete()
    response = client.get("/sites/all/stats/")
    assert response.status_code == 200
    assert response.context["sites"] == []
    assert client.get("/sites/all/stats/?period=nope").status_code == 400
    assert client.get("/sites/?period=nope").status_code == 400


def _own_totals(sites_by_name: dict, key: str) -> list:
    return [
        visit_totals(
            site=site,
            period=period_resolve(key=key, tz_name=site.timezone, now=NOW),
            filters={},
            now=NOW,
        )[0]
        for name, site in sites_by_name.items()
        if name != "shop"
    ]


@pytest.mark.parametrize("key", ["7d", "day"])
def test_combined_sites_in_other_time_zones_keep_their_own_days(owner_client, sites, key):
    """Sites are read together per time zone: Docs on Kolkata's days, the others on UTC's."""
    sites["docs"].timezone = "Asia/Kolkata"
    sites["docs"].save()
    # In Kolkata's week (01:30 on the 9th there) but not in UTC's; and in its today, not UTC's.
    VisitFactory(site=sites["docs"], timestamp=datetime(2026, 3, 8, 20, tzinfo=UTC))
    VisitFactory(site=sites["docs"], timestamp=datetime(2026, 3, 14, 20, tzinfo=UTC))
    own = _own_totals(sites, key)
    assert own[1].visitors == {"7d": 6, "day": 1}[key]  # Docs
    response = combined(owner_client, f"?period={key}")
    totals = response.context["totals"]
    assert totals.visitors == sum(one.visitors for one in own)
    assert totals.pageviews == sum(one.pageviews for one in own)
    assert totals.sessions == sum(one.sessions for one in own)
    assert sum(point.pageviews for point in response.context["points"]) == totals.pageviews


def test_combined_reads_a_few_queries_for_many_sites(
    owner_client, owner, sites, django_assert_max_num_queries
):
    """Rollups are read for all the sites at once and each site's today in one read, so 15
    sites cost about 40 queries (one query per panel and site before: 635)."""
    for number in range(12):
        extra = site_create(
            owner=owner, name=f"Extra {number}", base_url=f"https://x{number}.example.com"
        )
        VisitFactory(site=extra, timestamp=at(11), visitor_hash=1)
        VisitFactory(site=extra, timestamp=at(15), visitor_hash=2)
    combined(owner_client, "?period=7d")  # builds the rollups once
    with django_assert_max_num_queries(45):
        response = combined(owner_client, "?period=7d")
    assert len(response.context["sites"]) == 15
    assert response.context["totals"].visitors == 8 + 2 * 12
