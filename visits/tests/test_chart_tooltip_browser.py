"""The chart's value under the pointer in Chromium: pointing at a day, or stepping to it with the
keyboard, shows that day's date and figures in a visible tooltip."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import CHROME_UA, PASSWORD
from sites.services import shared_link_create
from visits.tests.factories import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def three_days_ago(site):
    """Five pageviews by two visitors three days ago, one pageview today."""
    now = timezone.now().replace(hour=12, minute=0)
    day = now - timedelta(days=3)
    for index in range(5):
        VisitFactory(site=site, timestamp=day + timedelta(minutes=index), visitor_hash=index % 2)
    VisitFactory(site=site, timestamp=now - timedelta(hours=1), visitor_hash=7)
    return day.date()


@pytest.fixture
def dashboard(browser, live_server, owner, site, three_days_ago):
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/?next=/sites/{site.pk}/stats/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/sites/{site.pk}/stats/")
    yield page
    context.close()
    assert errors == []  # no script error, and no Content-Security-Policy refusal


def test_pointing_at_a_bar_shows_its_day_and_figures(dashboard, three_days_ago, artifacts_dir):
    page = dashboard
    tip = page.locator(".chart-box .chart-tip")
    expect(tip).to_be_hidden()
    bars = page.locator("svg.chart rect.bar")
    assert bars.count() == 30
    bars.nth(26).hover()
    expect(tip).to_be_visible()
    expect(tip).to_have_text(f"{three_days_ago:%a %d %b}: 5 pageviews, 2 visitors")
    assert "current" in bars.nth(26).get_attribute("class")
    page.locator(".chart-box").screenshot(path=str(artifacts_dir / "chart-tooltip.png"))
    # The tooltip sits over the chart, next to the bar, not somewhere off it.
    bar, shown = bars.nth(26).bounding_box(), tip.bounding_box()
    assert shown["y"] + shown["height"] <= bar["y"]
    assert shown["x"] <= bar["x"] + bar["width"] and bar["x"] <= shown["x"] + shown["width"]

    # A day without visits has no bar to aim at: the nearest day under the pointer counts.
    chart = page.locator("svg.chart").bounding_box()
    empty = bars.nth(20).bounding_box()
    page.mouse.move(empty["x"] + empty["width"] / 2, chart["y"] + chart["height"] / 2)
    day = three_days_ago - timedelta(days=6)
    expect(tip).to_have_text(f"{day:%a %d %b}: 0 pageviews, 0 visitors")

    page.mouse.move(chart["x"] + chart["width"] / 2, chart["y"] + chart["height"] + 200)
    expect(tip).to_be_hidden()
    # The browser's own tooltip would show the same text a second time.
    assert page.locator("svg.chart rect.bar title").count() == 0


def test_the_keyboard_steps_through_the_days(dashboard, three_days_ago):
    page = dashboard
    tip = page.locator(".chart-box .chart-tip")
    page.focus("svg.chart")
    today = three_days_ago + timedelta(days=3)
    expect(tip).to_have_text(f"{today:%a %d %b}: 1 pageview, 1 visitor")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    expect(tip).to_have_text(f"{three_days_ago:%a %d %b}: 5 pageviews, 2 visitors")
    assert tip.get_attribute("role") == "status"  # read out by screen readers
    page.keyboard.press("Home")
    first = today - timedelta(days=29)
    expect(tip).to_have_text(f"{first:%a %d %b}: 0 pageviews, 0 visitors")
    page.keyboard.press("Tab")
    expect(tip).to_be_hidden()


def test_the_tooltip_follows_the_chosen_figure(dashboard, three_days_ago, site, live_server):
    page = dashboard
    page.goto(f"{live_server.url}/sites/{site.pk}/stats/?metric=visitors")
    page.locator("svg.chart rect.bar").nth(26).hover()
    expect(page.locator(".chart-tip")).to_have_text(f"{three_days_ago:%a %d %b}: 2 visitors")


@pytest.mark.parametrize("where", ["combined", "shared"])
def test_the_combined_and_shared_dashboards_show_it_too(
    dashboard, three_days_ago, site, live_server, where
):
    page = dashboard
    if where == "combined":
        page.goto(f"{live_server.url}/sites/all/stats/")
    else:
        page.goto(f"{live_server.url}/share/{shared_link_create(site=site).token}/")
    page.locator("svg.chart rect.bar").nth(26).hover()
    expect(page.locator(".chart-tip")).to_have_text(
        f"{three_days_ago:%a %d %b}: 5 pageviews, 2 visitors"
    )
