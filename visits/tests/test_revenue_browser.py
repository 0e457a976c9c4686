"""In Chromium, the snippet's third argument sends revenue, and it lands as the exact decimal."""

from decimal import Decimal

import pytest

from conftest import CHROME_UA
from sites.services import site_create
from visits.tests import test_browser
from visits.tests.test_browser import snippet_for, wait_for_visits

page_server = test_browser.page_server  # the same page server fixture
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_purchase_with_revenue_lands_with_the_exact_decimal(
    browser,
    live_server,
    page_server,
    owner,
):
    site = site_create(owner=owner, name="Shop", base_url=page_server["origin"])
    page_server["html"] = f"""<!doctype html><html><head><title>Checkout</title>
        {snippet_for(live_server, site)}
        <script>
          window.tracker("early", {{}}, {{revenue: {{amount: "0.10", currency: "USD"}}}});
        </script>
        </head><body>
        <button id="buy" onclick='tracker("purchase", {{}}, {{revenue: {{amount: "12.50",
            currency: "EUR"}}}})'>Buy</button>
        <button id="number" onclick='tracker("tip", {{}}, {{revenue: {{amount: 0.3,
            currency: "GBP"}}}})'>Tip</button>
        <button id="bad" onclick='tracker("refund", {{}}, {{revenue: {{amount: "-5",
            currency: "EUR"}}}})'>Refund</button>
        <button id="plain" onclick='tracker("signup", {{plan: "pro"}})'>Sign up</button>
        </body></html>"""
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(page_server["origin"] + "/checkout")
    wait_for_visits(2)
    for button in ("#buy", "#number", "#bad", "#plain"):
        page.click(button)
    visits = wait_for_visits(5)
    context.close()

    # The refund's negative amount was refused with a 400: never stored.
    stored = {v.event: (v.revenue_amount, v.revenue_currency) for v in visits}
    assert stored == {
        "pageview": (None, ""),
        "early": (Decimal("0.10"), "USD"),  # queued before the script ran
        "purchase": (Decimal("12.50"), "EUR"),
        "tip": (Decimal("0.3"), "GBP"),
        "signup": (None, ""),
    }
