"""An owner saves the dashboard's filters as a segment in Chromium, then picks it from the
Segments menu on an unfiltered dashboard and gets the same filters back; a note shows on the
chart."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import CHROME_UA, PASSWORD
from sites.models import Segment
from visits.demo import demo_visits_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_saving_a_segment_and_picking_it(browser, live_server, owner, site, artifacts_dir):
    demo_visits_create(site=site, visits=400, days=10, now=timezone.now(), seed=5)
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    stats = f"/sites/{site.pk}/stats/"
    page.goto(f"{live_server.url}/accounts/login/?next={stats}")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{stats}")

    # Filter by clicking two rows, as a person would.
    page.locator("#tab-country").click()
    page.locator("#panel-country tbody a").first.click()
    page.wait_for_url("**country=*")
    page.locator("#tab-device").click()
    page.locator("#panel-device tbody a").first.click()
    page.wait_for_url("**device=*")
    expect(page.locator(".chips li")).to_have_count(2)
    chips = page.locator(".chips li").all_inner_texts()

    page.fill(".segment-save input[name=name]", "Our best visitors")
    page.click("text=Save these filters as a segment")
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Our best visitors")
    segment = Segment.objects.get(site=site)
    assert set(segment.filters) == {"country", "device"}

    # An unfiltered dashboard, the note added from under the chart, then the segment picked.
    page.goto(f"{live_server.url}{stats}?period=7d")
    expect(page.locator(".chips li")).to_have_count(0)
    day = (timezone.now().date() - timedelta(days=2)).isoformat()
    page.fill(".annotation-add input[name=day]", day)
    page.fill(".annotation-add input[name=text]", "New pricing page")
    page.click("text=Add note")
    page.wait_for_url("**period=7d*")
    expect(page.locator(f'svg.chart g.marker[data-day="{day}"]')).to_have_count(1)
    expect(page.locator(".annotations li")).to_contain_text("New pricing page")

    page.click(".segment-menu summary")
    page.click(".segment-menu a:has-text('Our best visitors')")
    page.wait_for_url("**device=*")
    assert page.locator(".chips li").all_inner_texts() == chips
    assert "period=7d" in page.url  # picking a segment keeps the period
    expect(page.locator(".segment-menu a.current")).to_have_text("Our best visitors")
    page.screenshot(path=str(artifacts_dir / "dashboard-segment.png"), full_page=True)
    context.close()
    assert problems == []
