"""Revenue goals' figures: exact totals, averages and breakdowns, the same from rollups and raw
visits, on the dashboard too."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from sites.services import goal_create
from visits.models import RevenueRollup
from visits.stats import revenue as revenue_stats
from visits.stats.periods import period_resolve
from visits.stats.revenue import goal_revenue
from visits.stats.rollups import rollup_forget
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
SHOP = "https://blog.example.com"


@pytest.fixture(params=["rollups", "raw"])
def path(request, monkeypatch):
    """Run a test twice: finished days from rollups, and everything from raw visits."""
    if request.param == "raw":
        from datetime import date

        monkeypatch.setattr(revenue_stats, "rollup_ensure", lambda **kwargs: date.min)
    return request.param


def arrive(site, when, visitor, *, referrer="", page="/", country=("DE", "Germany"), campaign=""):
    return VisitFactory(
        site=site,
        utm_campaign=campaign,
        timestamp=when,
        url=SHOP + page,
        referrer=referrer,
        visitor_hash=visitor,
        country_code=country[0],
        country=country[1],
    )


def buy(
    site, when, visitor, amount, currency="EUR", *, event="purchase", country=("DE", "Germany")
):
    return VisitFactory(
        site=site,
        timestamp=when,
        url=SHOP + "/checkout",
        referrer=SHOP + "/cart",
        visitor_hash=visitor,
        event=event,
        revenue_amount=Decimal(amount),
        revenue_currency=currency,
        country_code=country[0],
        country=country[1],
    )


@pytest.fixture
def shop(site):
    goal_create(site=site, name="Purchases", kind="event", value="purchase", currency="EUR")
    goal_create(site=site, name="Signups", kind="event", value="signup")
    day = datetime(2026, 3, 14, tzinfo=UTC)  # yesterday: rolled up
    # Visitor 1 came from Google with a campaign tag, bought twice.
    arrive(
        site,
        day.replace(hour=9),
        1,
        referrer="https://www.google.com/",
        page="/?utm_campaign=spring",
        campaign="spring",
    )
    buy(site, day.replace(hour=9, minute=5), 1, "19.99")
    buy(site, day.replace(hour=9, minute=20), 1, "0.01")
    # Visitor 2 came straight, from France.
    arrive(site, day.replace(hour=10), 2, country=("FR", "France"))
    buy(site, day.replace(hour=10, minute=1), 2, "100.0050", country=("FR", "France"))
    # Visitor 3 paid in dollars: not the goal's currency.
    arrive(site, day.replace(hour=11), 3)
    buy(site, day.replace(hour=11, minute=2), 3, "30.00", "USD")
    # Another event with revenue, which the goal does not count.
    buy(site, day.replace(hour=12), 4, "999.00", event="donation")
    # Today: read from raw visits.
    arrive(site, NOW.replace(hour=13), 5, referrer="https://duckduckgo.com/")
    buy(site, NOW.replace(hour=13, minute=30), 5, "5.50")
    return site


def test_totals_averages_and_breakdowns_are_exact(shop, path):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    (goal,) = goal_revenue(site=shop, period=period, filters={}, now=NOW)
    assert (goal.name, goal.currency) == ("Purchases", "EUR")
    assert goal.amount == Decimal("125.505")  # 19.99 + 0.01 + 100.005 + 5.50
    assert str(goal.amount) == "125.505"
    assert goal.events == 4
    assert goal.average == Decimal("31.38")  # 31.37625, to the cent
    assert goal.other_currencies == {"USD": Decimal("30.00")}
    by = {name: [(row.value, str(row.amount), row.events) for row in rows]
          for name, rows in goal.breakdowns.items()}  # fmt: skip
    assert by["referrer_source"] == [("Google", "20.00", 2), ("DuckDuckGo", "5.50", 1)]
    assert by["channel"] == [
        ("Direct", "100.005", 1),
        ("Organic Search", "25.50", 3),
    ]
    assert by["page"] == [("/checkout", "125.505", 4)]
    assert by["country"] == [("FR", "100.005", 1), ("DE", "25.50", 3)]
    assert by["campaign"] == [("spring", "20.00", 2)]
    if path == "rollups":
        totals = RevenueRollup.objects.filter(site=shop, dimension="")
        assert sorted(totals.values_list("event", "currency", "amount", "events")) == [
            ("donation", "EUR", Decimal("999.00"), 1),
            ("purchase", "EUR", Decimal("120.005"), 3),  # yesterday's; today's is raw
            ("purchase", "USD", Decimal("30.00"), 1),
        ]


def test_rollups_and_raw_visits_give_the_same_figures(shop, monkeypatch):
    period = period_resolve(key="30d", tz_name="UTC", now=NOW)
    rolled = goal_revenue(site=shop, period=period, filters={}, now=NOW)
    assert RevenueRollup.objects.filter(site=shop).exists()
    rollup_forget(site=shop)
    from datetime import date

    monkeypatch.setattr(revenue_stats, "rollup_ensure", lambda **kwargs: date.min)
    raw = goal_revenue(site=shop, period=period, filters={}, now=NOW)
    assert rolled == raw


def test_filtered_views_read_raw_visits(shop):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    (france,) = goal_revenue(site=shop, period=period, filters={"country": "FR"}, now=NOW)
    assert (france.amount, france.events, france.average) == (
        Decimal("100.005"),
        1,
        Decimal("100.00"),
    )
    (today,) = goal_revenue(
        site=shop, period=period_resolve(key="day", tz_name="UTC", now=NOW), filters={}, now=NOW
    )
    assert (str(today.amount), today.events) == ("5.50", 1)


def test_a_site_without_revenue_goals_has_no_revenue_figures(site):
    goal_create(site=site, name="Signups", kind="event", value="signup")
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    assert goal_revenue(site=site, period=period, filters={}, now=NOW) == []


def test_the_dashboard_shows_revenue_in_the_goals_panel(shop, owner_client):
    with time_machine.travel(NOW, tick=False):
        html = owner_client.get(f"/sites/{shop.pk}/stats/?period=7d").content.decode()
    assert "Revenue: Purchases" in html
    assert "125.505 EUR" in html
    assert '<th class="num wide">Revenue</th><th class="num wide">Average</th>' in html
    assert "31.38 EUR" in html
    assert "Not counted, in other currencies: 30.00 USD" in html
    assert 'href="?period=7d&amp;referrer_source=Google"' in html
    assert "20.00" in html
    for tab in ("Sources", "Channels", "Pages", "Countries", "Campaigns"):
        assert f">{tab}</button>" in html
    with time_machine.travel(NOW, tick=False):
        filtered = owner_client.get(f"/sites/{shop.pk}/stats/?period=7d&country=FR").content
    assert b"100.005 EUR" in filtered


def test_no_revenue_panel_without_a_revenue_goal(site, owner_client):
    goal_create(site=site, name="Signups", kind="event", value="signup")
    VisitFactory(site=site, timestamp=NOW)
    with time_machine.travel(NOW, tick=False):
        html = owner_client.get(f"/sites/{site.pk}/stats/").content.decode()
    assert "Revenue:" not in html
    assert ">Revenue</th>" not in html


def test_the_site_export_keeps_revenue_exact(shop):
    import json

    from visits.site_export import site_export_csv, site_export_json

    document = json.loads("".join(site_export_json(site=shop)))
    assert {goal["name"]: goal["currency"] for goal in document["goals"]} == {
        "Purchases": "EUR",
        "Signups": "",
    }
    earned = sorted(
        (visit["revenue_amount"], visit["revenue_currency"])
        for visit in document["visits"]
        if visit["revenue_currency"]
    )
    assert [amount.rstrip("0").rstrip(".") for amount, _ in earned] == [
        "0.01", "100.005", "19.99", "30", "5.5", "999",
    ]  # fmt: skip
    assert all(visit["revenue_amount"] is None for visit in document["visits"]
               if not visit["revenue_currency"])  # fmt: skip
    csv_text = "".join(site_export_csv(site=shop))
    assert "revenue_amount,revenue_currency," in csv_text.splitlines()[0]


@pytest.mark.parametrize("tz_name", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_rollups_and_raw_visits_agree_on_many_events(owner, monkeypatch, tz_name):
    """Random purchases over three weeks, in the site's time zone: the same exact figures."""
    import random
    from datetime import date, timedelta

    from sites.services import site_create

    site = site_create(owner=owner, name="Shop", base_url=SHOP, timezone=tz_name)
    goal_create(site=site, name="Orders", kind="event", value="purchase", currency="EUR")
    chance = random.Random(11)
    referrers = ["", "https://www.google.com/", "https://news.ycombinator.com/", "https://t.co/x"]
    countries = [("DE", "Germany"), ("FR", "France"), ("US", "United States")]
    for visitor in range(1, 121):
        when = NOW - timedelta(days=chance.randrange(21), minutes=chance.randrange(1440))
        country = chance.choice(countries)
        arrive(site, when, visitor, referrer=chance.choice(referrers), country=country,
               campaign=chance.choice(["", "", "spring", "autumn"]))  # fmt: skip
        for n in range(chance.randrange(3)):
            amount = f"{chance.randrange(0, 50000)}.{chance.randrange(10000):04d}"
            currency = chance.choice(["EUR", "EUR", "EUR", "USD"])
            buy(site, when + timedelta(minutes=n + 1), visitor, amount, currency, country=country)
    period = period_resolve(key="30d", tz_name=tz_name, now=NOW)
    rolled = goal_revenue(site=site, period=period, filters={}, now=NOW)
    assert RevenueRollup.objects.filter(site=site).exists()
    monkeypatch.setattr(revenue_stats, "rollup_ensure", lambda **kwargs: date.min)
    raw = goal_revenue(site=site, period=period, filters={}, now=NOW)
    assert rolled == raw
    (goal,) = raw
    expected = sum((amount for amount in shop_amounts(site, period)), start=Decimal(0))
    assert goal.amount == expected and goal.events > 50


def shop_amounts(site, period):
    from visits.models import Visit

    return Visit.objects.filter(
        site=site,
        event="purchase",
        revenue_currency="EUR",
        timestamp__gte=period.start,
        timestamp__lt=period.end,
    ).values_list("revenue_amount", flat=True)


def test_buyers_found_in_several_lookups_keep_where_they_came_from(site, monkeypatch):
    """Buyers' arrivals are looked up a chunk of visitors at a time: none is lost between."""
    from django.db import connection

    from visits.stats import revenue_rows

    goal_create(site=site, name="Orders", kind="event", value="purchase", currency="EUR")
    sources = ["https://www.google.com/", "https://news.ycombinator.com/", "https://t.co/x"]
    for visitor in range(1, 8):
        when = NOW.replace(hour=8 + visitor)
        arrive(site, when, visitor, referrer=sources[visitor % 3])
        buy(site, when.replace(minute=5), visitor, "10.00")
    limit = connection.features.max_query_params or 20_000
    monkeypatch.setattr(revenue_rows, "_LOOKUP_ROOM", limit - 2)  # two visitors per lookup
    period = period_resolve(key="day", tz_name="UTC", now=NOW)
    (goal,) = goal_revenue(site=site, period=period, filters={"country": "DE"}, now=NOW)
    rows = goal.breakdowns["referrer_source"]
    by_source = {row.value: (str(row.amount), row.events) for row in rows}
    assert by_source == {
        "Hacker News": ("30.00", 3),  # visitors 1, 4 and 7
        "Google": ("20.00", 2),
        "Twitter": ("20.00", 2),
    }
