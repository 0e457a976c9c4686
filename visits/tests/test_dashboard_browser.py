"""A person opens a seeded dashboard in Chromium, sees the chart and filters by a country."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import CHROME_UA, PASSWORD
from visits.demo import demo_visits_create
from visits.tests.factories import VisitFactory

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

    page.click("#tab-country")  # the Locations card opens on its map
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


def _log_in(page, live_server, owner, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_keyboard_shortcuts_pick_periods_and_clear_filters(browser, live_server, owner, site):
    demo_visits_create(site=site, visits=300, days=10, now=timezone.now(), seed=4)
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    _log_in(page, live_server, owner, f"/sites/{site.pk}/stats/")

    page.keyboard.press("m")
    page.wait_for_url("**period=month*")
    page.goto(f"{live_server.url}/sites/{site.pk}/stats/?period=7d&device=desktop")
    assert page.locator(".chips li").count() == 1
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r".*/stats/\?period=7d$"))
    assert page.locator(".chips li").count() == 0

    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Clear all filters")
    page.keyboard.press("Escape")  # closes the list, stays on the page
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.locator("input[name=from]").press("t")  # typing in a field is not a shortcut
    assert "period=30d" not in page.url
    context.close()


def _background(page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def test_dark_mode_follows_the_system_and_the_switch(browser, live_server, owner, site):
    context = browser.new_context(user_agent=CHROME_UA, color_scheme="dark")
    page = context.new_page()
    _log_in(page, live_server, owner, "/sites/")
    dark = _background(page)
    assert dark == "rgb(18, 22, 31)"
    switch = page.locator("#theme-switch")
    expect(switch).to_have_text("Theme: System")
    switch.click()  # dark, chosen
    switch.click()  # light, chosen
    expect(switch).to_have_text("Theme: Light")
    assert _background(page) == "rgb(246, 247, 251)"
    page.reload()  # the choice is kept in this browser
    assert _background(page) == "rgb(246, 247, 251)"
    context.close()


@pytest.mark.parametrize("path", ["/sites/", "/sites/{pk}/", "/sites/{pk}/stats/", "/accounts/"])
def test_owner_pages_fit_a_phone_without_sideways_scrolling(
    browser, live_server, owner, site, path
):
    demo_visits_create(site=site, visits=500, days=30, now=timezone.now(), seed=5)
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, live_server, owner, "/sites/")
    page.goto(live_server.url + path.format(pk=site.pk))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_tabs_switch_panels_and_the_30_day_dashboard_is_compact(
    browser, live_server, owner, site, artifacts_dir
):
    demo_visits_create(site=site, visits=3000, days=40, now=timezone.now(), seed=6)
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, live_server, owner, f"/sites/{site.pk}/stats/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2800, height
    page.screenshot(path=str(artifacts_dir / "dashboard-1280.png"), full_page=True)

    expect(page.locator("#panel-map")).to_be_visible()
    expect(page.locator("#panel-country")).to_be_hidden()
    expect(page.locator("#panel-region")).to_be_hidden()
    page.locator("#tab-region").click()
    expect(page.locator("#panel-region")).to_be_visible()
    expect(page.locator("#panel-country")).to_be_hidden()
    page.locator("#tab-region").press("ArrowRight")
    expect(page.locator("#panel-city")).to_be_visible()
    expect(page.locator("#tab-city")).to_be_focused()
    page.reload()  # the tab chosen stays chosen while the page is open
    expect(page.locator("#panel-city")).to_be_visible()
    # A long value ends in an ellipsis, and says all of itself on hover.
    first = page.locator("#panel-page tbody td.url a").first
    assert first.get_attribute("title") == "Filter by " + first.inner_text()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_clicking_a_country_on_the_map_filters_the_dashboard(
    browser, live_server, owner, site, width, artifacts_dir
):
    now = timezone.now()
    for number in range(3):
        VisitFactory(site=site, timestamp=now, visitor_hash=number + 1)  # Germany
    VisitFactory(site=site, timestamp=now, visitor_hash=9, country_code="FR", country="France")
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Nothing comes from elsewhere: the geometry is in the page.
    page.on("request", lambda r: r.url.startswith(live_server.url) or problems.append(r.url))
    _log_in(page, live_server, owner, f"/sites/{site.pk}/stats/")

    world = page.locator("#panel-map svg")
    expect(world).to_be_visible()
    assert world.bounding_box()["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts_dir / f"dashboard-map-{width}.png"), full_page=True)
    title = page.locator("title", has_text="Germany: 3 visitors")
    page.locator("#panel-map a", has=title).click()
    page.wait_for_url("**country=DE*")
    expect(page.locator(".chips li span")).to_have_text(["Country: Germany"])
    expect(page.locator("#panel-map a")).to_have_count(1)
    context.close()
    assert problems == []
