"""Inviting a colleague, in Chromium, as two new people would: the owner invites from the Team
page; the colleague opens the emailed link, signs up from it, joins, and reads the dashboard."""

import re

import pytest
from django.core import mail

from conftest import CHROME_UA, PASSWORD
from sites.models import Membership
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/sites/")


def test_a_colleague_is_invited_signs_up_and_reads_the_dashboard(
    browser, live_server, owner, site, settings, artifacts_dir
):
    settings.PUBLIC_URL = live_server.url
    Visit.objects.create(site=site, url="https://blog.example.com/hello", path="/hello")

    owner_page = browser.new_context(user_agent=CHROME_UA).new_page()
    _log_in(owner_page, live_server.url, owner.email)
    owner_page.goto(f"{live_server.url}/sites/{site.pk}/")
    owner_page.click("text=Team")
    owner_page.fill("input[name=email]", "colleague@example.net")
    owner_page.select_option("select[name=role]", "viewer")
    owner_page.click("text=Send the invitation")
    owner_page.wait_for_selector("text=colleague@example.net was invited")
    owner_page.screenshot(path=str(artifacts_dir / "team.png"), full_page=True)

    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    colleague = browser.new_context(user_agent=CHROME_UA).new_page()
    colleague.goto(link)
    assert "invites colleague@example.net to the team of Blog" in colleague.inner_text("main")
    colleague.click("text=create an account")
    assert colleague.input_value("input[name=email]") == "colleague@example.net"
    colleague.fill("input[name=name]", "Col League")
    colleague.fill("input[name=password1]", PASSWORD)
    colleague.fill("input[name=password2]", PASSWORD)
    colleague.click("text=Create account")
    colleague.wait_for_url(link)
    colleague.screenshot(path=str(artifacts_dir / "invitation.png"), full_page=True)
    colleague.click("button:has-text('Join the team')")
    colleague.wait_for_url(f"{live_server.url}/sites/{site.pk}/")
    assert "shared with you by owner@example.com as a viewer" in colleague.inner_text("main")
    assert colleague.locator(f"a[href='/sites/{site.pk}/edit/']").count() == 0

    colleague.click("text=Dashboard")
    colleague.get_by_text("/hello").first.wait_for()
    colleague.screenshot(path=str(artifacts_dir / "dashboard-as-viewer.png"), full_page=True)
    assert colleague.locator(f"a[href='/sites/{site.pk}/team/']").count() == 0
    assert Membership.objects.get(site=site).user.email == "colleague@example.net"

    owner_page.reload()
    assert "Col League" in owner_page.inner_text("main")
