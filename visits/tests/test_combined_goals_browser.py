"""In Chromium, the combined dashboard shows the sites' goals, revenue per currency and notes,
narrowed by a filter, and fits a phone."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import CHROME_UA
from sites.services import annotation_create, goal_create, site_create
from visits.tests.factories import VisitFactory
from visits.tests.test_dashboard_browser import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_combined_goals_revenue_and_notes(browser, live_server, owner, site, width):
    docs = site_create(owner=owner, name="Docs", base_url="https://docs.example.com")
    now = timezone.now()
    sales = {site: [("DE", "40.00", "EUR"), ("FR", "12.34", "EUR")], docs: [("FR", "9.99", "USD")]}
    for number, (one, rows) in enumerate(sales.items()):
        currency = rows[0][2]
        goal_create(site=one, name="Orders", kind="event", value="purchase", currency=currency)
        annotation_create(
            site=one, day=now.astimezone(ZoneInfo(one.timezone)).date(), text=f"Launch {number}"
        )
        for visitor, (code, amount, currency) in enumerate(rows, start=10 * number + 1):
            VisitFactory(
                site=one, timestamp=now - timedelta(minutes=visitor), visitor_hash=visitor,
                country_code=code, event="purchase",
                revenue_amount=Decimal(amount), revenue_currency=currency,
            )  # fmt: skip
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": width, "height": 900})
    page = context.new_page()
    _log_in(page, live_server, owner, "/sites/all/stats/?period=day")
    goals = page.locator("#panel-goals")
    expect(goals.locator("tbody tr")).to_have_count(2)  # euros and dollars: two rows
    expect(goals.locator("[data-currency=EUR] [data-revenue-total]")).to_have_text("52.34 EUR")
    expect(goals.locator("[data-currency=EUR] [data-revenue-average]")).to_have_text("26.17 EUR")
    expect(goals.locator("[data-currency=USD] [data-revenue-total]")).to_have_text("9.99 USD")
    notes = page.locator("#annotations li")
    expect(notes).to_have_count(2)
    expect(notes.first).to_contain_text("Blog: Launch 0")
    expect(page.locator("svg.chart g.marker")).to_have_count(1)  # both on today, one marker
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{live_server.url}/sites/all/stats/?period=day&country=FR")
    expect(goals.locator("[data-currency=EUR] [data-revenue-total]")).to_have_text("12.34 EUR")
    expect(goals.locator("[data-currency=USD] [data-revenue-total]")).to_have_text("9.99 USD")
    context.close()
