"""A person signs up, changes their account and logs out in a real browser."""

import pytest

from conftest import CHROME_UA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_edit_account_and_log_out(browser, live_server, artifacts_dir):
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/register/")
    page.fill("input[name=name]", "Grace")
    page.fill("input[name=email]", "grace@example.com")
    page.fill("input[name=password1]", "a long and lovely passphrase")
    page.fill("input[name=password2]", "a long and lovely passphrase")
    page.click("main button[type=submit]")
    page.wait_for_url("**/sites/")
    assert "No sites yet." in page.content()
    assert page.locator("header .who").inner_text() == "Grace"

    page.click("header .who")
    page.fill("input[name=name]", "Grace H.")
    page.click("main button[type=submit]")
    assert "Your account was updated." in page.content()
    assert page.locator("header .who").inner_text() == "Grace H."
    page.screenshot(path=str(artifacts_dir / "account.png"), full_page=True)

    page.click("text=Log out")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("header a[href='/accounts/login/']").count() == 1
    context.close()
    assert errors == []
