"""The API documentation renders in a real browser from our own assets, under our CSP."""

import pytest

from conftest import CHROME_UA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation(browser, live_server, artifacts_dir):
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    problems, hosts = [], set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 12
    page.screenshot(path=str(artifacts_dir / "api-docs.png"))
    context.close()
    assert problems == []
    assert hosts == {live_server.url.split("/")[2]}
