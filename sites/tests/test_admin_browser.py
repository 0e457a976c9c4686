"""The Django admin keeps working under our Content Security Policy, in a real browser."""

import pytest

from conftest import CHROME_UA, PASSWORD
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_pages_work_without_csp_violations(
    browser, live_server, superuser, site, artifacts_dir
):
    Visit.objects.create(site=site, url="https://blog.example.com/")
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: message.type in ("error", "warning") and problems.append(message.text),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and problems.append(response.url))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", superuser.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    for path in (
        "/admin/sites/site/",
        f"/admin/sites/site/{site.pk}/change/",
        "/admin/sites/site/add/",
        "/admin/visits/visit/",
        f"/admin/accounts/user/{superuser.pk}/change/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")

    # A script-driven widget still works: the changelist's select-all checkbox.
    page.goto(f"{live_server.url}/admin/sites/site/")
    page.check("#action-toggle")
    assert page.locator("input.action-select").first.is_checked()
    page.screenshot(path=str(artifacts_dir / "admin-sites.png"), full_page=True)
    context.close()
    assert [problem for problem in problems if "Content Security Policy" in problem] == []
    assert problems == []
