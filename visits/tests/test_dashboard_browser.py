"""A person opens a seeded dashboard in Chromium, sees the chart and filters by a country."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import CHROME_UA, PASSWORD
from visits.demo import demo_visits_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_renders_and_filters_by_clicking(
    browser, live_server, owner, site, artifacts_dir
):
    demo_visits_create(site=site, visits=3000, days=40, now=timezone.now(), seed=3)
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))

    page.goto(f"{live_server.url}/accounts/login/?next=/sites/{site.pk}/stats/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/sites/{site.pk}/stats/")

    assert page.locator("svg.chart rect.bar").count() == 30
    bars = page.locator("svg.chart rect.bar")
    heights = [bars.nth(index).bounding_box()["height"] for index in range(bars.count())]
    assert max(heights) > 50  # drawn, not just present
    # A locator assertion, not wait_for_function: our CSP (rightly) forbids eval in the page.
    expect(page.locator("#live-visitors")).to_have_text(re.compile(r"^[0-9]+$"))

    country_link = page.locator("#panel-country tbody a").first
    country = country_link.inner_text()
    country_link.click()
    page.wait_for_url("**country=*")
    chip = page.locator(".chips li")
    assert chip.count() == 1
    page.screenshot(path=str(artifacts_dir / "dashboard-filtered.png"), full_page=True)
    assert page.locator("#panel-country tbody tr").count() == 1
    assert page.locator("#panel-country tbody td").first.inner_text() == country

    chip.locator("a").click()
    page.wait_for_load_state()
    assert page.locator(".chips li").count() == 0
    context.close()
    assert problems == []
