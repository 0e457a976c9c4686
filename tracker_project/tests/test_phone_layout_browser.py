"""Every owner page at 390 px in Chromium: the page itself never scrolls sideways (a wide table
may scroll inside its own box). A failure names the elements that stick out."""

import pyotp
import pytest
from django.utils import timezone

from api.services import token_create
from conftest import CHROME_UA, PASSWORD
from reports.services import subscription_create
from sites.funnel_services import experiment_create, funnel_create
from sites.services import (
    annotation_create,
    goal_create,
    invitation_create,
    shared_link_create,
    site_create,
)
from visits.demo import demo_visits_create
from visits.segments import segment_create
from visits.stats.dimensions import PANELS, SESSION_DIMENSIONS
from visits.tests.factories import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# One long unbroken value of each kind, as real sites have them.
LONG_PATH = "/blog/" + "a-very-long-slug-without-any-break" * 5
LONG_NAME = "Newsletter-signup-from-the-spring-campaign-landing-page"
PANEL_PATHS = {
    f"panel list: {name}": f"/sites/{{pk}}/stats/{name}/"
    for name in [panel.name for panel in PANELS] + list(SESSION_DIMENSIONS)
}
OWNER_PAGES = {
    "sites list": "/sites/",
    "new site": "/sites/new/",
    "site page": "/sites/{pk}/",
    "site form": "/sites/{pk}/edit/",
    "delete site": "/sites/{pk}/delete/",
    "dashboard": "/sites/{pk}/stats/",
    "dashboard, today": "/sites/{pk}/stats/?period=day",
    "dashboard, visits chart": "/sites/{pk}/stats/?metric=visits",
    "dashboard, filtered": "/sites/{pk}/stats/?country=DE&page=/",
    "dashboard, segment": "/sites/{pk}/stats/?segment={segment}",
    **PANEL_PATHS,
    "visits": "/sites/{pk}/visits/",
    "goals": "/sites/{pk}/goals/",
    "funnels": "/sites/{pk}/funnels/",
    "funnel": "/sites/{pk}/funnels/{funnel}/",
    "experiments": "/sites/{pk}/experiments/",
    "experiment": "/sites/{pk}/experiments/{experiment}/",
    "journeys": "/sites/{pk}/journeys/",
    "performance": "/sites/{pk}/performance/",
    "sharing": "/sites/{pk}/sharing/",
    "team": "/sites/{pk}/team/",
    "email reports": "/sites/{pk}/reports/",
    "webhooks": "/sites/{pk}/webhooks/",
    "site tokens": "/sites/{pk}/tokens/",
    "new token": "/accounts/tokens/new/",
    "combined dashboard": "/sites/all/stats/",
    "empty-state dashboard": "/sites/{empty}/stats/",
    "account": "/accounts/",
    "password change": "/accounts/password/",
    "two-factor setup": "/accounts/two-factor/setup/",
}
SHARED_PAGES = {
    "shared dashboard": "/share/{token}/",
    "shared panel list": "/share/{token}/stats/page/",
    "shared embed": "/share/{token}/embed/",
    "shared funnel": "/share/{token}/funnels/{funnel}/",
    "shared experiment": "/share/{token}/experiments/{experiment}/",
    "shared journeys": "/share/{token}/journeys/",
    "shared performance": "/share/{token}/performance/",
}
PUBLIC_PAGES = {
    "home": "/",
    "log in": "/accounts/login/",
    "sign up": "/accounts/register/",
    "password reset": "/accounts/password/reset/",
}

# The page's overflow, or None: the smallest elements reaching past the viewport's right edge
# (by their box or by the content spilling out of it) that no scrolling box of theirs clips.
OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const right = (el) => {
    const box = el.getBoundingClientRect();
    return Math.max(box.right, box.left + el.scrollWidth);
  };
  const wide = [...document.body.querySelectorAll("*")].filter(
    (el) => right(el) > width + 0.5 && !clipped(el));
  const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const classes = (el) => typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el)
    + " (" + Math.round(right(el)) + "px) "
    + JSON.stringify((el.textContent || "").trim().slice(0, 40));
  return root.scrollWidth + "px > " + width + "px: " + leaves.slice(0, 6).map(name).join("; ");
}"""


@pytest.fixture
def seeded(owner, other_owner, site):
    now = timezone.now()
    demo_visits_create(site=site, visits=800, days=30, now=now, seed=11)
    VisitFactory(
        site=site,
        timestamp=now,
        url=f"https://blog.example.com{LONG_PATH}?utm_source={LONG_NAME}&utm_campaign={LONG_NAME}"
        f"&utm_term={LONG_NAME}&utm_content={LONG_NAME}",
        referrer=f"https://{LONG_NAME.lower()}.example.org/{LONG_PATH}",
        event=LONG_NAME,
        visitor_hash=424242,
    )
    goal = goal_create(site=site, name=LONG_NAME, kind="event", value=LONG_NAME)
    goal_create(site=site, name="Signup", kind="event", value="signup")
    funnel = funnel_create(
        site=site,
        name=LONG_NAME,
        steps=[{"kind": "page", "value": "/"}, {"kind": "page", "value": LONG_PATH}],
    )
    experiment = experiment_create(
        site=site, name=LONG_NAME, variant_property="exp", control="a", goal=goal
    )
    segment = segment_create(site=site, name=LONG_NAME, filters={"country": "DE"})
    annotation_create(site=site, day=now.date(), text=LONG_NAME)
    invitation_create(
        site=site, email=f"{LONG_NAME}@example.com", role="viewer", invited_by=owner, now=now
    )
    subscription_create(site=site, frequency="weekly", alerts=True, user=owner)
    token_create(owner=owner, name=LONG_NAME)
    site_create(owner=owner, name=LONG_NAME, base_url=f"https://{LONG_NAME.lower()}.example.com")
    empty = site_create(owner=owner, name="New shop", base_url="https://shop.example.com")
    link = shared_link_create(site=site, name=LONG_NAME)
    return {
        "pk": site.pk,
        "funnel": funnel.pk,
        "experiment": experiment.pk,
        "segment": segment.pk,
        "empty": empty.pk,
        "token": link.token,
    }


def _log_in(page, url, email):
    page.goto(f"{url}/accounts/login/?next=/sites/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def _overflows(page, url, pages, ids) -> dict:
    found = {}
    for name, path in pages.items():
        response = page.goto(url + path.format(**ids))
        assert response.status == 200, name
        if overflow := page.evaluate(OVERFLOW):
            found[name] = overflow
    return found


def test_no_owner_page_scrolls_sideways_on_a_phone(browser, live_server, owner, seeded):
    context = browser.new_context(user_agent=CHROME_UA, viewport=PHONE)
    page = context.new_page()
    found = _overflows(page, live_server.url, PUBLIC_PAGES, seeded)
    _log_in(page, live_server.url, owner.email)
    page.wait_for_url("**/sites/")
    found |= _overflows(page, live_server.url, OWNER_PAGES | SHARED_PAGES, seeded)
    context.close()
    assert found == {}


def test_the_two_factor_pages_do_not_scroll_sideways_on_a_phone(browser, live_server, owner):
    context = browser.new_context(user_agent=CHROME_UA, viewport=PHONE)
    page = context.new_page()
    _log_in(page, live_server.url, owner.email)
    page.wait_for_url("**/sites/")
    found = _overflows(page, live_server.url, {"setup": "/accounts/two-factor/setup/"}, {})
    app = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.fill("input[name=code]", app.now())
    page.click("main button[type=submit]")
    page.locator("#recovery-codes").wait_for()
    if overflow := page.evaluate(OVERFLOW):
        found["recovery codes shown"] = overflow
    pages = {
        "new recovery codes": "/accounts/two-factor/recovery-codes/",
        "turn off": "/accounts/two-factor/disable/",
        "account with two-factor": "/accounts/",
    }
    found |= _overflows(page, live_server.url, pages, {})
    page.click("text=Log out")
    _log_in(page, live_server.url, owner.email)
    page.wait_for_url("**/accounts/two-factor/?next=*")
    if overflow := page.evaluate(OVERFLOW):
        found["code after the password"] = overflow
    context.close()
    assert found == {}


def test_the_check_sees_a_page_that_scrolls_sideways(browser, live_server, owner, site):
    context = browser.new_context(user_agent=CHROME_UA, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate(OVERFLOW) is None
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<p id=too-wide>' + 'x'.repeat(300) + '</p>')"
    )
    overflow = page.evaluate(OVERFLOW)
    context.close()
    assert overflow is not None and "p#too-wide" in overflow


# The headings of figures cut short by their column ("Vi…"): each one's text and widths. (The
# first column's heading repeats the panel's tab, and may end in an ellipsis.)
CUT_HEADINGS = """() => [...document.querySelectorAll(".panel th.num")]
  .filter((th) => th.offsetParent !== null && th.scrollWidth > th.clientWidth + 1)
  .map((th) => th.textContent.trim() + " " + th.scrollWidth + "/" + th.clientWidth)"""


@pytest.mark.parametrize("path", ["/sites/{pk}/stats/", "/sites/{pk}/stats/entry/"])
def test_the_panels_headings_are_whole_on_a_phone(browser, live_server, owner, seeded, path):
    context = browser.new_context(user_agent=CHROME_UA, viewport=PHONE)
    page = context.new_page()
    _log_in(page, live_server.url, owner.email)
    page.wait_for_url("**/sites/")
    page.goto(live_server.url + path.format(**seeded))
    cut = page.evaluate(CUT_HEADINGS)
    # Every card's tabs in turn: each panel's own headings.
    for tab in page.locator(".panel-group [role=tab]").all():
        tab.click()
        cut += page.evaluate(CUT_HEADINGS)
    context.close()
    assert sorted(set(cut)) == []
