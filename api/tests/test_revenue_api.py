"""Revenue in the API: events/ takes it exactly or answers a JSON 400, revenue/ and goals/
give the dashboard's figures, and the schema describes them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from sites.models import Goal
from sites.services import goal_create
from visits.models import Visit
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def event(api, site, revenue, name="purchase"):
    return api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": "https://blog.example.com/paid", "event": name, "user_agent": UA,
         "revenue": revenue},
        format="json",
    )  # fmt: skip


def test_events_store_revenue_exactly(api, site):
    response = event(api, site, {"amount": "12.50", "currency": "EUR"})
    assert response.status_code == 202, response.content
    assert event(api, site, {"amount": 0.3, "currency": "jpy"}).status_code == 202
    stored = sorted(Visit.objects.values_list("revenue_amount", "revenue_currency"))
    assert stored == [(Decimal("0.3"), "JPY"), (Decimal("12.50"), "EUR")]


@pytest.mark.parametrize(
    "revenue",
    [
        {"amount": "-5", "currency": "EUR"},
        {"amount": "1e5", "currency": "EUR"},
        {"amount": "NaN", "currency": "EUR"},
        {"amount": "12345678901", "currency": "EUR"},
        {"amount": "1.23456", "currency": "EUR"},
        {"amount": 1e300, "currency": "EUR"},
        {"amount": "5", "currency": "ABC"},
        {"amount": "5"},
        "12.50",
        [1, 2],
    ],
)
def test_bad_revenue_is_a_json_400(api, site, revenue):
    response = event(api, site, revenue)
    assert response.status_code == 400
    assert "revenue" in response.json()
    assert not Visit.objects.exists()


def test_revenue_on_a_pageview_is_a_400(api, site):
    response = event(api, site, {"amount": "5", "currency": "EUR"}, name="pageview")
    assert response.status_code == 400
    assert "custom event" in response.json()["revenue"][0], response.json()


@pytest.fixture
def sales(site):
    goal_create(site=site, name="Sales", kind="event", value="purchase", currency="EUR")
    goal_create(site=site, name="Thanks", kind="page", value="/thanks")
    for hour, amount, currency, country in (
        (9, "10.00", "EUR", "DE"),
        (10, "2.505", "EUR", "FR"),
        (11, "7.00", "GBP", "DE"),
    ):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 14, hour, tzinfo=UTC),
            event="purchase",
            revenue_amount=Decimal(amount),
            revenue_currency=currency,
            country_code=country,
            country={"DE": "Germany", "FR": "France"}[country],
        )
    return site


def test_revenue_endpoint_gives_exact_figures(read_api, sales):
    with time_machine.travel(NOW, tick=False):
        body = read_api.get(f"/api/v1/sites/{sales.pk}/revenue/?period=7d").json()
    (goal,) = body["goals"]
    assert goal["name"] == "Sales" and goal["currency"] == "EUR"
    assert (goal["revenue"], goal["events"], goal["average"]) == ("12.505", 2, "6.25")
    assert goal["other_currencies"] == {"GBP": "7.00"}
    assert goal["breakdowns"]["country"] == [
        {"value": "DE", "label": "Germany", "revenue": "10.00", "events": 1},
        {"value": "FR", "label": "France", "revenue": "2.505", "events": 1},
    ]
    assert set(goal["breakdowns"]) == {"referrer_source", "channel", "page", "country", "campaign"}
    with time_machine.travel(NOW, tick=False):
        filtered = read_api.get(f"/api/v1/sites/{sales.pk}/revenue/?period=7d&country=FR").json()
    assert filtered["goals"][0]["revenue"] == "2.505"
    assert filtered["filters"] == {"country": "FR"}


def test_goals_endpoint_has_revenue_fields(read_api, sales):
    with time_machine.travel(NOW, tick=False):
        rows = read_api.get(f"/api/v1/sites/{sales.pk}/goals/?period=7d").json()
    by_name = {row["name"]: row for row in rows}
    assert by_name["Sales"]["currency"] == "EUR"
    assert (by_name["Sales"]["revenue"], by_name["Sales"]["average_revenue"]) == ("12.505", "6.25")
    assert by_name["Thanks"]["revenue"] is None and by_name["Thanks"]["currency"] == ""


def test_goals_endpoint_adds_revenue_goals(api, site):
    url = f"/api/v1/sites/{site.pk}/goals/"
    made = api.post(url, {"name": "Sales", "kind": "event", "value": "purchase",
                          "currency": "usd"}, format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["currency"] == "USD"
    bad = api.post(
        url, {"name": "X", "kind": "event", "value": "x", "currency": "QQQ"}, format="json"
    )
    assert bad.status_code == 400 and "currency" in bad.json()
    page = api.post(
        url, {"name": "P", "kind": "page", "value": "/p", "currency": "EUR"}, format="json"
    )
    assert page.status_code == 400 and "currency" in page.json()
    assert list(Goal.objects.values_list("name", flat=True)) == ["Sales"]


def test_the_schema_describes_revenue(client):
    text = client.get("/api/schema/").content.decode()
    assert "/api/v1/sites/{id}/revenue/:" in text
    for name in ("GoalRevenue:", "RevenueRow:", "RevenueReport:", "other_currencies:"):
        assert name in text
    event_request = text[text.index("    EventRequest:") :][:3000]
    assert "revenue:" in event_request and "ISO 4217" in event_request
