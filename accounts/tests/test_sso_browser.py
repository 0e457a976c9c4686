"""Single sign-on in a real browser: the login page's button, the provider and back."""

import pytest

from accounts.models import User
from conftest import CHROME_UA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_single_sign_on_and_a_refusal(browser, live_server, sso, settings):
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sso.next_login(email="browser@example.com", name="Bea Browser")
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with single sign-on")
    page.wait_for_url(f"{live_server.url}/sites/")
    assert page.locator("header .who").inner_text() == "Bea Browser"
    assert User.objects.filter(email="browser@example.com").exists()

    page.click("text=Log out")
    page.wait_for_url(f"{live_server.url}/")
    settings.OIDC_ALLOWED_DOMAINS = ["corp.example"]
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Sign in with single sign-on")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "Accounts at example.com can't sign in here" in page.locator("main").inner_text()
    assert page.locator("header a[href='/accounts/login/']").count() == 1
    context.close()
    assert errors == []
