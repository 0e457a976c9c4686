"""A real Chromium loads a page on another port with the snippet, and the visits are stored."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import CHROME_UA
from sites.services import site_create
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_server():
    """Serves one HTML page (set by the test) on its own port, like an owner's website."""
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


def wait_for_visits(count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Visit.objects.count() >= count:
            break
        time.sleep(0.1)
    return list(Visit.objects.order_by("id"))


def snippet_for(live_server, site):
    from django.test import RequestFactory

    from sites.snippet import tracking_snippet

    host = live_server.url.split("://", 1)[1]
    request = RequestFactory().get("/", HTTP_HOST=host)
    return tracking_snippet(site=site, request=request)


def test_snippet_records_pageview_spa_navigation_and_custom_event(
    browser, live_server, page_server, owner
):
    site = site_create(owner=owner, name="Local", base_url=page_server["origin"])
    page_server["html"] = f"""<!doctype html><html><head><title>Home</title>
        {snippet_for(live_server, site)}</head><body>
        <button id="nav" onclick="history.pushState({{}}, '', '/pricing')">Pricing</button>
        <button id="signup" onclick="tracker('signup')">Sign up</button></body></html>"""

    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(page_server["origin"] + "/?from=test")
    assert [v.url for v in wait_for_visits(1)] == [page_server["origin"] + "/?from=test"]

    page.click("#nav")
    wait_for_visits(2)
    page.click("#signup")
    visits = wait_for_visits(3)
    page.go_back()
    visits = wait_for_visits(4)
    context.close()

    assert [(v.event, v.url) for v in visits] == [
        ("pageview", page_server["origin"] + "/?from=test"),
        ("pageview", page_server["origin"] + "/pricing"),
        ("signup", page_server["origin"] + "/pricing"),
        ("pageview", page_server["origin"] + "/?from=test"),
    ]
    assert {(v.browser, v.os, v.device, v.site_id) for v in visits} == {
        ("Chrome", "Linux", "desktop", site.pk)
    }
    assert len({v.visitor_hash for v in visits}) == 1


def test_noscript_pixel_records_a_visit_without_javascript(
    browser, live_server, page_server, owner
):
    site = site_create(owner=owner, name="Local", base_url=page_server["origin"])
    page_server["html"] = f"""<!doctype html><html><head><title>No JS</title>
        {snippet_for(live_server, site)}</head><body><p>Plain page</p></body></html>"""

    context = browser.new_context(user_agent=CHROME_UA, java_script_enabled=False)
    page = context.new_page()
    page.goto(page_server["origin"] + "/article")
    visits = wait_for_visits(1)
    context.close()

    assert [(v.event, v.url) for v in visits] == [("pageview", page_server["origin"] + "/article")]


def test_browser_with_do_not_track_sends_nothing(browser, live_server, page_server, owner):
    site = site_create(owner=owner, name="Local", base_url=page_server["origin"])
    page_server["html"] = f"""<!doctype html><html><head>
        <script>Object.defineProperty(navigator, 'doNotTrack', {{value: '1'}});</script>
        {snippet_for(live_server, site)}</head><body>
        <p id="ready">ok</p></body></html>"""
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_server["origin"] + "/")
    page.wait_for_load_state("networkidle")
    context.close()

    assert not any(url.endswith("/visit") for url in requests)
    assert Visit.objects.count() == 0


def test_outbound_link_download_and_engagement_pings(browser, live_server, page_server, owner):
    site = site_create(owner=owner, name="Local", base_url=page_server["origin"])
    snippet = snippet_for(live_server, site).replace(
        "<script ", '<script data-track="outbound downloads" ', 1
    )
    port = page_server["origin"].rsplit(":", 1)[1]
    elsewhere = f"http://localhost:{port}/elsewhere"  # another host name: an outbound link
    page_server["html"] = f"""<!doctype html><html><head><title>Links</title>{snippet}</head>
        <body><a id="dl" href="/files/report.pdf" download>Report</a>
        <a id="inside" href="/about.html">About</a>
        <a id="out" href="{elsewhere}" target="_blank">Elsewhere</a></body></html>"""
    origin = page_server["origin"]

    context = browser.new_context(user_agent=CHROME_UA, accept_downloads=True)
    page = context.new_page()
    page.goto(origin + "/")
    wait_for_visits(1)
    with page.expect_download():
        page.click("#dl")
    wait_for_visits(2)
    # The tab is hidden twice in a row (one ping), then shown again.
    hide = """state => {
        Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    page.evaluate(hide, "hidden")
    page.evaluate(hide, "hidden")
    wait_for_visits(3)
    page.evaluate(hide, "visible")
    with context.expect_page() as opened:
        page.click("#out")  # opens in a new tab
    opened.value.close()
    wait_for_visits(4)
    page.close(run_before_unload=True)  # leaving the page: one last ping
    wait_for_visits(5)
    time.sleep(0.5)  # nothing more may arrive
    context.close()

    visits = list(Visit.objects.filter(site=site).order_by("id"))
    assert [(v.event, v.url, v.props) for v in visits[:3]] == [
        ("pageview", origin + "/", {}),
        ("File Download", origin + "/", {"url": origin + "/files/report.pdf"}),
        ("engagement", origin + "/", {}),
    ]
    assert sorted((v.event, v.url, v.props) for v in visits[3:]) == [
        ("Outbound Link: Click", origin + "/", {"url": elsewhere}),
        ("engagement", origin + "/", {}),
    ]
    # The internal link was never clicked, and clicks on it would not count anyway.
    assert not [v for v in visits if "about" in v.props.get("url", "")]

    from zoneinfo import ZoneInfo

    from visits.stats.sessions import sessions_of

    (session,) = sessions_of(Visit.objects.filter(site=site), tz=ZoneInfo("UTC"))
    assert (session.pageviews, session.events, session.entry, session.exit) == (1, 2, "/", "/")
    assert session.seconds == int((visits[-1].timestamp - visits[0].timestamp).total_seconds())


def test_shared_dashboard_embeds_in_another_sites_page(browser, live_server, page_server, owner):
    from playwright.sync_api import expect

    from sites.services import shared_link_create

    site = site_create(owner=owner, name="Embedded", base_url=page_server["origin"])
    Visit.objects.create(site=site, url=page_server["origin"] + "/hello", path="/hello")
    link = shared_link_create(site=site)
    embed_url = f"{live_server.url}/share/{link.token}/embed/?period=day"
    page_server["html"] = f"""<!doctype html><html><head><title>Partner</title></head><body>
        <iframe id="stats" src="{embed_url}" width="900" height="700"></iframe></body></html>"""

    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(page_server["origin"] + "/")
    frame = page.frame_locator("#stats")
    expect(frame.get_by_role("tab", name="Top pages")).to_be_visible()
    frame.locator("#panel-page").get_by_role("link", name="/hello").click()
    # Filtering works inside the frame: the chip shows, still without leaving the partner page.
    expect(frame.get_by_label("Filters")).to_contain_text("/hello")
    assert page.url == page_server["origin"] + "/"
    context.close()


def test_calls_made_before_the_script_loads_are_kept_and_sent(
    browser, live_server, page_server, owner
):
    site = site_create(owner=owner, name="Local", base_url=page_server["origin"])
    # An inline call right after the snippet: the deferred script has not run yet.
    page_server["html"] = f"""<!doctype html><html><head><title>Early</title>
        {snippet_for(live_server, site)}
        <script>window.tracker("early", {{step: "1"}}); window.tracker("");</script>
        </head><body><p>Early call</p></body></html>"""
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(page_server["origin"] + "/")
    visits = wait_for_visits(2)
    context.close()

    assert sorted((v.event, v.props) for v in visits) == [
        ("early", {"step": "1"}),
        ("pageview", {}),
    ]
