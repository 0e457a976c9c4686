"""The combined dashboard's goals, revenue and notes, through the HTTP client: every figure the
sum of the sites' own dashboards, from rollups and from raw visits."""

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from sites.models import Membership, Role
from sites.services import annotation_create, goal_create, site_create
from visits.stats import combined_goals, combined_revenue, figures, revenue
from visits.stats.combined_goals import CombinedGoal, currency_revenue
from visits.stats.combined_revenue import Revenue
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db

# Each site's goals: (name, kind, value, currency).
BLOG_GOALS = [
    ("Signed up", "event", "signup", ""),
    ("Pricing", "page", "/pricing", ""),
    ("Docs read", "page", "/docs/*", ""),
    ("Purchased", "event", "purchase", "EUR"),
]
DOCS_GOALS = [
    ("Signed up", "event", "signup", ""),
    ("Pricing", "event", "pricing", ""),  # the same name, another definition: a row apart
    ("Docs read", "page", "/docs/*", ""),
    ("Purchased", "event", "purchase", "USD"),  # another currency: a row apart
    ("Renewed", "event", "renew", "EUR"),
]
AGENCY_GOALS = [("Signed up", "event", "signup", ""), ("Purchased", "event", "purchase", "EUR")]
FR = ("FR", "France")


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(params=["rollups", "raw"])
def path(request, monkeypatch):
    """Every test twice: finished days from rollups, and everything from raw visits."""
    if request.param == "raw":
        for module in (figures, revenue, combined_revenue):
            monkeypatch.setattr(module, "rollup_ensure", lambda **kwargs: date.min)
    return request.param


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def hit(site, day, visitor, *, page="/", event="pageview", amount="", currency="", country=None):
    code, name = country or ("DE", "Germany")
    return VisitFactory(
        site=site,
        timestamp=at(day, 9 + visitor % 5),
        url=site.base_url + page,
        event=event,
        visitor_hash=visitor,
        revenue_amount=Decimal(amount) if amount else None,
        revenue_currency=currency,
        country_code=code,
        country=name,
    )


def goals_for(site, goals):
    for name, kind, value, currency in goals:
        goal_create(site=site, name=name, kind=kind, value=value, currency=currency)


@pytest.fixture
def sites(site, owner, other_owner, other_site):
    """Blog and Docs (the owner's), Agency (a team site the owner views) and a stranger's Shop
    with the same goals and visits, never counted. Today is the 15th."""
    docs = site_create(owner=owner, name="Docs", base_url="https://docs.example.com")
    agency = site_create(owner=other_owner, name="Agency", base_url="https://agency.example.net")
    Membership.objects.create(site=agency, user=owner, role=Role.VIEWER)
    goals_for(site, BLOG_GOALS)
    goals_for(docs, DOCS_GOALS)
    goals_for(agency, AGENCY_GOALS)
    goals_for(other_site, AGENCY_GOALS)
    # Blog: visitor 1 on the 12th; 2 and 3 today (2 from France); purchases on the 13th, 14th.
    hit(site, 12, 1, page="/pricing")
    hit(site, 12, 1, page="/docs/c")
    hit(site, 12, 1, event="signup")
    hit(site, 15, 2, page="/pricing", country=FR)
    hit(site, 15, 2, page="/docs/a", country=FR)
    hit(site, 15, 2, event="signup", country=FR)
    hit(site, 15, 2, event="purchase", amount="12.50", currency="EUR", country=FR)
    hit(site, 15, 3, page="/docs/b")
    hit(site, 13, 4, event="purchase", amount="0.10", currency="EUR")
    hit(site, 14, 5, event="purchase", amount="0.20", currency="EUR", country=FR)
    # Docs: an event named like Blog's page goal, two pageviews of /docs/, dollars and euros.
    hit(docs, 11, 11, event="signup")
    hit(docs, 11, 11, event="pricing")
    hit(docs, 15, 12, event="signup", country=FR)
    hit(docs, 15, 12, page="/docs/intro", country=FR)
    hit(docs, 15, 12, page="/docs/intro", country=FR)
    hit(docs, 15, 12, event="purchase", amount="19.99", currency="USD", country=FR)
    hit(docs, 14, 13, event="renew", amount="20.00", currency="EUR")
    hit(docs, 15, 14, event="purchase", amount="5.01", currency="USD", country=FR)
    # A purchase in euros is not the dollar goal's, nor counted toward any euro total.
    hit(docs, 15, 15, event="purchase", amount="7.00", currency="EUR", country=FR)
    # Agency: a sign-up on the 13th, a purchase today.
    hit(agency, 13, 21, event="signup")
    hit(agency, 15, 22, event="purchase", amount="0.30", currency="EUR", country=FR)
    for number in range(5):
        hit(other_site, 15, 100 + number, event="signup")
        hit(other_site, 15, 100 + number, event="purchase", amount="100", currency="EUR")
    return {"blog": site, "docs": docs, "agency": agency, "shop": other_site}


def combined(client, query: str, status: int = 200):
    response = client.get(f"/sites/all/stats/{query}")
    assert response.status_code == status
    return response


def table(response) -> dict[tuple, tuple]:
    """Combined goal rows: (name, kind, value, currency) -> (sites, visitors, completions)."""
    return {
        (goal.name, goal.kind, goal.value, goal.currency): (
            goal.sites,
            goal.visitors,
            goal.completions,
        )
        for goal in response.context["goals"]
    }


def own_sums(client, sites: list, query: str) -> tuple[dict, dict, dict]:
    """Each site's own dashboard's goal figures, summed by name and definition: (visitors,
    completions), revenue (amount, events) per goal, and per currency."""
    goals: dict[tuple, list] = defaultdict(lambda: [0, 0])
    earned: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    currencies: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
    for site in sites:
        response = client.get(f"/sites/{site.pk}/stats/{query}")
        assert response.status_code == 200
        for row in response.context["goals"]:
            key = (row.name, row.kind, row.value, row.currency)
            goals[key][0] += row.visitors
            goals[key][1] += row.completions
        for panel in response.context["revenue"]:
            goal = panel["goal"]
            key = (goal.name, "event", goal.event, goal.currency)
            for total in (earned[key], currencies[goal.currency]):
                total[0] += goal.amount
                total[1] += goal.events
    return goals, earned, currencies


def revenue_of(response) -> dict[str, tuple[Decimal, int, Decimal]]:
    return {
        item.currency: (item.amount, item.events, item.average)
        for item in response.context["revenue"]
    }


SEVEN_DAYS = {
    ("Docs read", "page", "/docs/*", ""): (2, 4, 5),
    ("Pricing", "event", "pricing", ""): (1, 1, 1),
    ("Pricing", "page", "/pricing", ""): (1, 2, 2),
    ("Purchased", "event", "purchase", "EUR"): (2, 4, 4),
    ("Purchased", "event", "purchase", "USD"): (1, 3, 3),
    ("Renewed", "event", "renew", "EUR"): (1, 1, 1),
    ("Signed up", "event", "signup", ""): (3, 5, 5),
}
TODAY = {
    ("Docs read", "page", "/docs/*", ""): (2, 3, 4),
    ("Pricing", "event", "pricing", ""): (1, 0, 0),
    ("Pricing", "page", "/pricing", ""): (1, 1, 1),
    ("Purchased", "event", "purchase", "EUR"): (2, 2, 2),
    ("Purchased", "event", "purchase", "USD"): (1, 3, 3),
    ("Renewed", "event", "renew", "EUR"): (1, 0, 0),
    ("Signed up", "event", "signup", ""): (3, 2, 2),
}
IN_FRANCE = {
    ("Docs read", "page", "/docs/*", ""): (2, 2, 3),
    ("Pricing", "event", "pricing", ""): (1, 0, 0),
    ("Pricing", "page", "/pricing", ""): (1, 1, 1),
    ("Purchased", "event", "purchase", "EUR"): (2, 3, 3),
    ("Purchased", "event", "purchase", "USD"): (1, 3, 3),
    ("Renewed", "event", "renew", "EUR"): (1, 0, 0),
    ("Signed up", "event", "signup", ""): (3, 2, 2),
}


@pytest.mark.parametrize(
    ("query", "expected", "visitors"),
    [
        ("?period=7d", SEVEN_DAYS, 12),
        ("?period=day", TODAY, 6),
        ("?period=7d&country=FR", IN_FRANCE, 6),
    ],
)
def test_combined_goals_are_the_sum_of_each_sites_own(
    owner_client, sites, path, query, expected, visitors
):
    response = combined(owner_client, query)
    assert response.context["totals"].visitors == visitors
    assert table(response) == expected
    own, _, _ = own_sums(owner_client, [sites["blog"], sites["docs"], sites["agency"]], query)
    assert {key: (row[1], row[2]) for key, row in expected.items()} == {
        key: tuple(figures) for key, figures in own.items()
    }
    for goal in response.context["goals"]:
        assert goal.rate == round(100 * goal.visitors / visitors, 1)
    html = response.content.decode()
    assert 'id="panel-goals"' in html and "Signed up" in html


@pytest.mark.parametrize(
    ("query", "euros", "dollars"),
    [
        # 12.50 + 0.10 + 0.20 (Blog) + 0.30 (Agency) over 4, and Docs's 20.00 renewal.
        (
            "?period=7d",
            (Decimal("33.10"), 5, Decimal("6.62")),
            (Decimal("25.00"), 2, Decimal("12.50")),
        ),
        (
            "?period=day",
            (Decimal("12.80"), 2, Decimal("6.40")),
            (Decimal("25.00"), 2, Decimal("12.50")),
        ),
        # In France: 12.50 + 0.20 + 0.30 = 13.00 over 3, 4.333... to the cent.
        (
            "?period=7d&country=FR",
            (Decimal("13.00"), 3, Decimal("4.33")),
            (Decimal("25.00"), 2, Decimal("12.50")),
        ),
    ],
)
def test_combined_revenue_per_currency_is_exact(owner_client, sites, path, query, euros, dollars):
    response = combined(owner_client, query)
    assert revenue_of(response) == {"EUR": euros, "USD": dollars}
    _, earned, currencies = own_sums(
        owner_client, [sites["blog"], sites["docs"], sites["agency"]], query
    )
    assert {
        code: (amount, events) for code, (amount, events, _) in revenue_of(response).items()
    } == {code: tuple(total) for code, total in currencies.items()}
    for goal in response.context["goals"]:
        if goal.revenue is not None:
            key = (goal.name, goal.kind, goal.value, goal.currency)
            assert (goal.revenue.amount, goal.revenue.events) == tuple(earned[key])
            assert goal.revenue.currency == goal.currency
    html = response.content.decode()
    assert f"{euros[0]} EUR" in html and f"{dollars[0]} USD" in html
    assert f"on average <strong data-revenue-average>{euros[2]} EUR" in html


def test_combined_goals_of_the_chosen_sites_only(owner_client, sites, path):
    chosen = f"{sites['docs'].pk},{sites['agency'].pk}"
    response = combined(owner_client, f"?period=7d&sites={chosen}")
    rows = table(response)
    assert ("Pricing", "page", "/pricing", "") not in rows  # Blog's only
    assert rows[("Signed up", "event", "signup", "")] == (2, 3, 3)
    assert rows[("Purchased", "event", "purchase", "EUR")] == (1, 1, 1)
    # Agency's 0.30 and Docs's 20.00 renewal.
    assert revenue_of(response)["EUR"] == (Decimal("20.30"), 2, Decimal("10.15"))


def test_combined_goals_with_two_filters_read_raw_visits(owner_client, sites):
    """Two filters: no rollup holds the view, so every site's rows come from one read."""
    query = "?period=7d&country=FR&page=/docs/intro"
    response = combined(owner_client, query)
    own, _, _ = own_sums(owner_client, [sites["blog"], sites["docs"], sites["agency"]], query)
    assert table(response)[("Docs read", "page", "/docs/*", "")] == (2, 1, 2)
    assert {key: (row[1], row[2]) for key, row in table(response).items()} == {
        key: tuple(figures) for key, figures in own.items()
    }


def test_combined_pages_with_wildcards_read_some_at_a_time(owner_client, sites, monkeypatch):
    monkeypatch.setattr(combined_goals, "WILDCARDS_PER_QUERY", 1)  # Blog's, then Docs's
    response = combined(owner_client, "?period=7d")
    assert table(response) == SEVEN_DAYS


def test_combined_goals_keep_each_sites_days(owner_client, sites):
    """A site far east is a day ahead: its today (the 16th) counts on the combined today."""
    docs = sites["docs"]
    docs.timezone = "Pacific/Kiritimati"  # UTC+14: 05:00 on the 16th
    docs.save()
    VisitFactory(
        site=docs, timestamp=datetime(2026, 3, 15, 11, tzinfo=UTC), event="signup", visitor_hash=31
    )
    response = combined(owner_client, "?period=day")
    own, _, _ = own_sums(owner_client, [sites["blog"], docs, sites["agency"]], "?period=day")
    # Blog's visitor 2 (UTC's today), and Docs's 12 and 31 (the 16th there).
    assert own[("Signed up", "event", "signup", "")] == [3, 3]
    assert table(response)[("Signed up", "event", "signup", "")] == (3, 3, 3)


def test_combined_notes_are_marked_and_listed_with_their_site(owner_client, sites, owner):
    docs = sites["docs"]
    docs.timezone = "Pacific/Kiritimati"  # its week is the 10th to the 16th
    docs.save()
    annotation_create(site=sites["blog"], day=date(2026, 3, 12), text="New pricing page")
    annotation_create(site=docs, day=date(2026, 3, 16), text="Docs relaunch")
    annotation_create(site=sites["agency"], day=date(2026, 3, 12), text="Agency campaign")
    annotation_create(site=sites["blog"], day=date(2026, 3, 1), text="Too early")
    annotation_create(site=sites["shop"], day=date(2026, 3, 12), text="Stranger's note")
    response = combined(owner_client, "?period=7d")
    listed = [
        (note.site_name, note.site_day, note.note) for note in response.context["annotations"]
    ]
    assert listed == [
        ("Agency", date(2026, 3, 12), "Agency campaign"),
        ("Blog", date(2026, 3, 12), "New pricing page"),
        ("Docs", date(2026, 3, 16), "Docs relaunch"),
    ]
    markers = {marker.day: marker.title for marker in response.context["chart"]["markers"]}
    # Docs's last day of its week is the chart's last day (the first site's, UTC: the 15th).
    assert set(markers) == {date(2026, 3, 12), date(2026, 3, 15)}
    assert (
        markers[date(2026, 3, 12)] == "Thu 12 Mar: Agency: Agency campaign; Blog: New pricing page"
    )
    assert markers[date(2026, 3, 15)].endswith("Docs: Docs relaunch")
    html = response.content.decode()
    assert "<strong>Docs</strong>: Docs relaunch" in html and "16 Mar 2026" in html
    assert "Stranger" not in html and "Too early" not in html
    chosen = combined(owner_client, f"?period=7d&sites={sites['blog'].pk}")
    assert [note.note for note in chosen.context["annotations"]] == ["New pricing page"]


def test_combined_segment_is_refused_not_faked(owner_client, sites):
    response = combined(owner_client, "?period=7d&segment=1", status=400)
    assert "Saved segments belong to one site" in response.content.decode()
    assert response.context["totals"].visitors == 12  # the figures, without any segment
    assert 'class="segments"' not in response.content.decode()  # no menu, no saving


def test_combined_without_goals_says_so(owner_client, owner):
    site_create(owner=owner, name="Bare", base_url="https://bare.example.com")
    response = combined(owner_client, "?period=7d")
    assert response.context["goals"] == [] and response.context["revenue"] == []
    assert "None of these sites has goals yet." in response.content.decode()


def test_combined_goals_read_a_few_queries_for_many_sites(
    owner_client, owner, sites, django_assert_max_num_queries
):
    """15 sites with every kind of goal and a note: the goals, revenue and notes read per time
    zone, not per site. test_overview's bound for the page (45, 41 done) plus what they add for
    one time zone: the sites' goals (1), exact pages and events from rollups (1), pages with `*`
    (1), revenue from rollups and from today's visits (2), the notes (1); 47 are done."""
    for number in range(12):
        extra = site_create(
            owner=owner, name=f"Extra {number}", base_url=f"https://x{number}.example.com"
        )
        goals_for(extra, BLOG_GOALS)
        annotation_create(site=extra, day=date(2026, 3, 14), text=f"Note {number}")
        hit(extra, 11, 1, event="signup")
        hit(extra, 15, 2, event="signup")
        hit(extra, 15, 2, page="/docs/x")
        hit(extra, 15, 2, event="purchase", amount="1.25", currency="EUR")
    combined(owner_client, "?period=7d")  # builds the rollups once
    with django_assert_max_num_queries(51):
        response = combined(owner_client, "?period=7d")
    assert len(response.context["sites"]) == 15
    rows = table(response)
    assert rows[("Signed up", "event", "signup", "")] == (15, 5 + 24, 5 + 24)
    assert rows[("Docs read", "page", "/docs/*", "")] == (14, 4 + 12, 5 + 12)
    assert revenue_of(response)["EUR"][:2] == (Decimal("33.10") + 12 * Decimal("1.25"), 5 + 12)
    assert len(response.context["annotations"]) == 12


def test_currency_revenue_keeps_currencies_apart_and_rounds_half_to_even():
    def goal(currency, amount, events):
        spent = Revenue(currency=currency, amount=Decimal(amount), events=events)
        return CombinedGoal("Orders", "event", "purchase", currency, 1, events, events, 0.0, spent)

    rows = currency_revenue(
        [
            goal("USD", "0.10", 1),
            goal("EUR", "0.125", 1),
            goal("EUR", "0.125", 1),
            goal("EUR", "0", 0),
        ]
    )
    assert [(row.currency, row.amount, row.events) for row in rows] == [
        ("EUR", Decimal("0.25"), 2),
        ("USD", Decimal("0.10"), 1),
    ]
    assert rows[0].average == Decimal("0.12")  # 0.125: half to even
    assert Revenue(currency="EUR", amount=Decimal("0.375"), events=1).average == Decimal("0.38")
    assert Revenue(currency="EUR").average == Decimal("0.00")
