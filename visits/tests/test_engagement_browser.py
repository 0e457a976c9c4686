"""In Chromium, the engagement ping carries how far down a long page was read and the page
view's Web Vitals, once, still one request per page view beyond the pageview."""

import time

import pytest

from conftest import CHROME_UA
from sites.services import site_create
from visits.models import Visit
from visits.tests import test_browser
from visits.tests.test_browser import snippet_for, wait_for_visits

page_server = test_browser.page_server  # the same page server fixture
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDE = """state => {
    Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
    document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_scrolling_half_way_down_a_long_page_records_about_half(
    browser, live_server, page_server, owner
):
    site = site_create(owner=owner, name="Long", base_url=page_server["origin"])
    page_server["html"] = f"""<!doctype html><html><head><title>Long read</title>
        {snippet_for(live_server, site)}
        <style>html, body {{ margin: 0; }}</style></head>
        <body><h1>A long read</h1><div style="height: 10000px">Text</div>
        <button id="like" onclick="var t = performance.now(); while (performance.now() - t < 120);"
          style="position: fixed; top: 0">Like</button></body></html>"""
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": 1000, "height": 800})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: "/visit" in request.url and requests.append(request))
    page.goto(page_server["origin"] + "/article")
    wait_for_visits(1)
    page.click("#like")  # an interaction that keeps the page busy for 120 ms, for INP
    height = page.evaluate("document.documentElement.scrollHeight")
    # The bottom of the viewport at half the page's height.
    page.evaluate(f"window.scrollTo(0, {height} / 2 - innerHeight)")
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, 0)")  # back up: the deepest point stays
    page.wait_for_timeout(200)
    page.evaluate(HIDE, "hidden")
    wait_for_visits(2)
    page.evaluate(HIDE, "visible")
    page.evaluate(HIDE, "hidden")  # a second ping: the scroll depth again, not the vitals
    wait_for_visits(3)
    time.sleep(0.3)
    context.close()

    visits = list(Visit.objects.filter(site=site).order_by("id"))
    assert [v.event for v in visits] == ["pageview", "engagement", "engagement"]
    pageview, first, second = visits
    assert abs(first.scroll_depth - 50) <= 2, first.scroll_depth
    assert second.scroll_depth == first.scroll_depth
    assert pageview.scroll_depth is None and pageview.lcp is None
    # Chromium measures every vital this page can have; the second ping carries none.
    assert first.ttfb is not None and 0 <= first.ttfb < 10_000
    assert first.fcp is not None and 0 < first.fcp < 10_000
    assert first.lcp is not None and first.lcp >= first.fcp
    assert first.inp is not None and 120 <= first.inp < 10_000
    assert (second.lcp, second.inp, second.fcp, second.ttfb) == (None, None, None, None)
    assert len(requests) == 3  # one per hit: no request of its own for the measurements


def test_a_short_page_is_read_to_the_bottom(browser, live_server, page_server, owner):
    site = site_create(owner=owner, name="Short", base_url=page_server["origin"])
    page_server["html"] = f"""<!doctype html><html><head><title>Short</title>
        {snippet_for(live_server, site)}</head><body><p>One line.</p></body></html>"""
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(page_server["origin"] + "/")
    wait_for_visits(1)
    page.evaluate(HIDE, "hidden")
    visits = wait_for_visits(2)
    context.close()
    assert visits[-1].event == "engagement"
    assert visits[-1].scroll_depth == 100
