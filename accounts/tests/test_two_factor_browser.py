"""Two-factor login in a real browser: set it up from the account page with the secret the
page shows, log out, and log in again with the password and a code."""

import time

import pyotp
import pytest

from conftest import CHROME_UA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_up_two_factor_and_log_in_with_a_code(
    browser, live_server, owner, password, artifacts_dir
):
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/sites/")

    page.click("header .who")
    page.click("text=Set up two-factor login")
    page.wait_for_url("**/accounts/two-factor/setup/")
    assert page.locator(".qr-box svg.qr").is_visible()
    page.screenshot(path=str(artifacts_dir / "two-factor-setup.png"), full_page=True)
    app = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.fill("input[name=code]", app.now())
    page.click("main button[type=submit]")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("text=I have saved them")
    page.wait_for_url("**/accounts/")
    assert "10 recovery codes left" in page.locator("#two-factor").inner_text()

    page.click("text=Log out")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/?next=*")
    assert page.locator("h1").inner_text() == "Two-factor login"
    # The app's next code: the one used for set-up logs in no more.
    page.fill("input[name=code]", app.at(time.time() + 30))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/")
    assert page.locator("header .who").inner_text() == "Olive Owner"
    context.close()
    assert errors == []
    assert all(url.startswith(live_server.url) for url in requests)
