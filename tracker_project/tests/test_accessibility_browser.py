"""Every owner page through axe-core in Chromium: no serious or critical violation.

axe-core comes with the `axe-playwright-python` dev dependency (its `axe.min.js`), so nothing is
downloaded while the tests run; it is evaluated in the page by Playwright, which our
Content-Security-Policy does not block (the page itself stays under its real policy)."""

from pathlib import Path

import axe_playwright_python
import pytest
from django.utils import timezone

from conftest import CHROME_UA, PASSWORD
from sites.funnel_services import experiment_create, funnel_create
from sites.services import goal_create, shared_link_create, site_create
from visits.demo import demo_visits_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
BLOCKING = ("serious", "critical")
OWNER_PAGES = {
    "dashboard": "/sites/{pk}/stats/",
    "dashboard, visits chart": "/sites/{pk}/stats/?metric=visits",
    "panel list": "/sites/{pk}/stats/page/",
    "sites list": "/sites/",
    "site page": "/sites/{pk}/",
    "site form": "/sites/{pk}/edit/",
    "goals": "/sites/{pk}/goals/",
    "funnels": "/sites/{pk}/funnels/",
    "funnel": "/sites/{pk}/funnels/{funnel}/",
    "experiments": "/sites/{pk}/experiments/",
    "experiment": "/sites/{pk}/experiments/{experiment}/",
    "performance": "/sites/{pk}/performance/",
    "journeys": "/sites/{pk}/journeys/",
    "visits": "/sites/{pk}/visits/",
    "sharing": "/sites/{pk}/sharing/",
    "team": "/sites/{pk}/team/",
    "email reports": "/sites/{pk}/reports/",
    "webhooks": "/sites/{pk}/webhooks/",
    "site tokens": "/sites/{pk}/tokens/",
    "new token": "/accounts/tokens/new/",
    "combined dashboard": "/sites/all/stats/",
    "account": "/accounts/",
    "password change": "/accounts/password/",
    "two-factor setup": "/accounts/two-factor/setup/",
    "empty-state dashboard": "/sites/{empty}/stats/",
}


@pytest.fixture
def seeded(owner, site):
    demo_visits_create(site=site, visits=800, days=30, now=timezone.now(), seed=11)
    goal = goal_create(site=site, name="Signup", kind="event", value="signup")
    funnel = funnel_create(
        site=site,
        name="Signup",
        steps=[{"kind": "page", "value": "/"}, {"kind": "event", "value": "signup"}],
    )
    experiment = experiment_create(
        site=site, name="Checkout", variant_property="exp", control="a", goal=goal
    )
    empty = site_create(owner=owner, name="New shop", base_url="https://shop.example.com")
    link = shared_link_create(site=site, name="Board")
    return {
        "pk": site.pk,
        "funnel": funnel.pk,
        "experiment": experiment.pk,
        "empty": empty.pk,
        "token": link.token,
    }


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -- "
        + "; ".join(node["html"][:120] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def _pages(browser, live_server, owner, *, dark: bool, width: int):
    context = browser.new_context(
        user_agent=CHROME_UA,
        viewport={"width": width, "height": 900},
        color_scheme="dark" if dark else "light",
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/sites/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/sites/")
    return context, page


@pytest.mark.parametrize(
    ("dark", "width"), [(False, 1280), (True, 1280), (False, 390)], ids=["light", "dark", "phone"]
)
def test_owner_pages_have_no_serious_accessibility_violations(
    browser, live_server, owner, seeded, dark, width
):
    context, page = _pages(browser, live_server, owner, dark=dark, width=width)
    found = {}
    for name, path in OWNER_PAGES.items():
        response = page.goto(live_server.url + path.format(**seeded))
        assert response.status == 200, name
        if violations := blocking_violations(page):
            found[name] = violations
    context.close()
    assert found == {}


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_shared_dashboard_has_no_serious_accessibility_violations(
    browser, live_server, seeded, dark
):
    context = browser.new_context(user_agent=CHROME_UA, color_scheme="dark" if dark else "light")
    page = context.new_page()
    response = page.goto(f"{live_server.url}/share/{seeded['token']}/")
    assert response.status == 200
    assert blocking_violations(page) == []
    context.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_pages_before_login_have_no_serious_accessibility_violations(
    browser, live_server, dark
):
    context = browser.new_context(user_agent=CHROME_UA, color_scheme="dark" if dark else "light")
    page = context.new_page()
    found = {}
    for path in (
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
    ):
        assert page.goto(live_server.url + path).status == 200, path
        if violations := blocking_violations(page):
            found[path] = violations
    context.close()
    assert found == {}


def test_axe_finds_a_violation_when_there_is_one(browser, live_server, seeded):
    # The check itself works: an unlabelled field and an image without text are caught.
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(f"{live_server.url}/share/{seeded['token']}/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><img src=x.png>')"
    )
    found = " ".join(blocking_violations(page))
    assert "label" in found and "image-alt" in found
    context.close()
