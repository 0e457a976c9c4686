"""In Chromium: the owner turns off counting their own visits from the site page; the snippet on
their website then sends nothing from that browser, while another browser still counts, and
turning it back on counts again."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import CHROME_UA, PASSWORD
from sites.services import site_create
from visits.models import Visit
from visits.tests.test_browser import snippet_for, wait_for_visits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def website():
    """The owner's website with the snippet in it, on its own port."""
    state = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = state["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["origin"] = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()


def wait_for_page(url: str, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not Visit.objects.filter(url=url).exists():
        time.sleep(0.1)
    return list(Visit.objects.filter(event="pageview").order_by("id"))


def test_the_owners_browser_is_not_counted_once_they_say_so(
    browser, live_server, website, owner, artifacts_dir
):
    site = site_create(owner=owner, name="Local", base_url=website["origin"])
    website["html"] = f"""<!doctype html><html><head><title>Home</title>
        {snippet_for(live_server, site)}</head><body>
        <button id="signup" onclick="tracker('signup')">Sign up</button></body></html>"""
    key = f"tracker-ignore-{site.pk}"

    owners = browser.new_context(user_agent=CHROME_UA)
    # Every dialog is answered at once, and what it said is kept. Listened for on the context,
    # so a dialog shown while a new tab is still loading is not missed (and dismissed).
    said = []
    owners.on("dialog", lambda d: (said.append(d.message), d.accept()))
    beacon_calls = []
    beacon = f"{live_server.url}/sites/{site.pk}/visit"
    owners.on("request", lambda r: beacon_calls.append(r.url) if r.url == beacon else None)
    page = owners.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/sites/")
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.locator("#shields").screenshot(path=str(artifacts_dir / "own-visits.png"))

    with owners.expect_page() as opened:
        page.click("a[data-own-visits=ignore]")
    tab = opened.value
    tab.wait_for_load_state("networkidle")
    assert tab.url == website["origin"] + "/#tracker-ignore=on"
    assert said == ["Tracker: this browser is not counted on this site."]
    assert tab.evaluate(f"localStorage.getItem('{key}')") == "1"

    # Later visits from this browser: a page, a custom event, a page hidden; nothing is sent.
    tab.goto(website["origin"] + "/pricing")
    tab.click("#signup")
    tab.wait_for_load_state("networkidle")
    tab.close()
    assert owners.cookies(website["origin"]) == []  # the flag is in the website's storage

    visitor = browser.new_context(user_agent=CHROME_UA).new_page()
    visitor.goto(website["origin"] + "/pricing")
    visits = wait_for_visits(1)
    visitor.close()
    assert [(v.event, v.url) for v in visits] == [("pageview", website["origin"] + "/pricing")]
    assert beacon_calls == []

    with owners.expect_page() as opened:
        page.click("a[data-own-visits=count]")
    tab = opened.value
    tab.wait_for_load_state("networkidle")
    assert said[-1] == "Tracker: this browser is counted again on this site."
    assert tab.evaluate(f"localStorage.getItem('{key}')") is None
    tab.goto(website["origin"] + "/about")
    pageviews = wait_for_page(website["origin"] + "/about")
    owners.close()
    assert [v.url for v in pageviews] == [
        website["origin"] + "/pricing",
        website["origin"] + "/#tracker-ignore=off",
        website["origin"] + "/about",
    ]
