"""A digest's revenue headline: one line per revenue goal, only when the site has one."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from reports.payloads import digest_payload
from reports.services import digest_build, subscription_create
from sites.services import goal_create
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)


def send_reports(now):
    with time_machine.travel(now, tick=False):
        call_command("send_reports", stdout=None)


@pytest.fixture
def purchases(site):
    for day, amount, currency in ((10, "49.90", "EUR"), (12, "0.15", "EUR"), (13, "8", "CHF")):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, day, 12, tzinfo=UTC),
            event="purchase",
            revenue_amount=Decimal(amount),
            revenue_currency=currency,
        )
    VisitFactory(site=site, timestamp=datetime(2026, 3, 11, 12, tzinfo=UTC))
    return site


def test_the_digest_has_a_revenue_line_per_revenue_goal(purchases):
    goal_create(site=purchases, name="Orders", kind="event", value="purchase", currency="EUR")
    subscription_create(site=purchases, email="boss@example.com", frequency="weekly", alerts=False)
    send_reports(MONDAY)
    body = mail.outbox[0].body
    # 49.90 + 0.15 = 50.05 over 2 events; the francs are not the goal's currency.
    assert "Revenue (Orders): 50.05 EUR from 2 events, 25.02 EUR on average\n" in body
    assert body.index("Pageviews:") < body.index("Revenue (Orders)") < body.index("Top pages:")


def test_no_revenue_line_without_a_revenue_goal(purchases):
    goal_create(site=purchases, name="Orders", kind="event", value="purchase")
    subscription_create(site=purchases, email="boss@example.com", frequency="weekly", alerts=False)
    send_reports(MONDAY)
    assert "Revenue" not in mail.outbox[0].body


def test_webhooks_get_the_revenue_too(purchases):
    goal_create(site=purchases, name="Orders", kind="event", value="purchase", currency="EUR")
    digest = digest_build(
        site=purchases,
        first_day=datetime(2026, 3, 9).date(),
        last_day=datetime(2026, 3, 15).date(),
        now=MONDAY,
    )
    payload = digest_payload(kind="webhook", digest=digest, dashboard_url="https://x.example/")
    assert payload["revenue"] == [
        {"goal": "Orders", "currency": "EUR", "revenue": "50.05", "events": 2, "average": "25.02"}
    ]
    assert "Revenue (Orders): 50.05 EUR from 2 events, 25.02 EUR on average" in payload["text"]
