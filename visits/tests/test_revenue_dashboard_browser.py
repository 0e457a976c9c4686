"""In Chromium, the Goals panel's revenue tabs switch, filter the dashboard, and fit a phone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import CHROME_UA
from sites.services import goal_create
from visits.tests.factories import VisitFactory
from visits.tests.test_dashboard_browser import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_revenue_tabs_filter_the_dashboard(browser, live_server, owner, site, width):
    goal = goal_create(site=site, name="Orders", kind="event", value="purchase", currency="EUR")
    now = timezone.now()
    for visitor, (code, name, amount) in enumerate(
        [("DE", "Germany", "40.00"), ("FR", "France", "12.34"), ("FR", "France", "0.66")], start=1
    ):
        when = now - timedelta(minutes=10 * visitor)
        VisitFactory(
            site=site, timestamp=when, visitor_hash=visitor, country_code=code, country=name
        )
        VisitFactory(
            site=site, timestamp=when + timedelta(seconds=5), visitor_hash=visitor,
            country_code=code, country=name, event="purchase",
            revenue_amount=Decimal(amount), revenue_currency="EUR",
        )  # fmt: skip
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": width, "height": 900})
    page = context.new_page()
    _log_in(page, live_server, owner, f"/sites/{site.pk}/stats/?period=day")
    panel = page.locator(f"#revenue-{goal.pk}")
    expect(panel.locator("[data-revenue-total]")).to_have_text("53.00 EUR")
    expect(panel.locator("[data-revenue-average]")).to_have_text("17.67 EUR")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    countries = page.locator(f"#panel-revenue-{goal.pk}-country")
    expect(countries).to_be_hidden()
    page.locator(f"#tab-revenue-{goal.pk}-country").click()
    expect(countries).to_be_visible()
    expect(countries.locator("tbody tr").first).to_contain_text("40.00")
    countries.get_by_role("link", name="France").click()
    page.wait_for_url("**country=FR**")
    expect(panel.locator("[data-revenue-total]")).to_have_text("13.00 EUR")
    expect(panel.locator("[data-revenue-average]")).to_have_text("6.50 EUR")
    context.close()
