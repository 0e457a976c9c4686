"""In a real browser set to German, the pages are German; choosing French on the account page
turns them French in that same browser."""

import pytest

from conftest import CHROME_UA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_german_browser_then_a_chosen_french(browser, live_server, owner, password):
    context = browser.new_context(user_agent=CHROME_UA, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("text=Passwort vergessen?").count() == 1

    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/sites/")
    assert page.locator("header nav a[href='/sites/']").inner_text() == "Websites"

    page.goto(f"{live_server.url}/accounts/")
    page.select_option("select[name=language]", "fr")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("header nav a[href='/sites/']").inner_text() == "Sites"
    assert page.locator("text=Changer votre mot de passe").count() == 1
    context.close()
