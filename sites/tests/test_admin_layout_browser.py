"""The site admin's list at laptop widths in Chromium: each row's Reports link is on screen
without scrolling sideways, for a superuser (who also sees the owner column) and for an owner."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.services import SITE_OWNERS_GROUP
from conftest import CHROME_UA, PASSWORD
from sites.services import site_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Real sites have long names and addresses; they must not push the link off the screen.
LONG = "newsletter-signup-from-the-spring-campaign-landing-page"


@pytest.fixture(autouse=True)
def owners_may_use_the_admin(owner):
    # The owners' group gets its permissions in a data migration; an earlier transactional
    # test's flush took them away again, so give back the two this list needs.
    group = Group.objects.get(name=SITE_OWNERS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sites", codename__in=["view_site", "change_site"]
        )
    )


@pytest.fixture
def long_sites(owner, other_owner):
    site_create(owner=owner, name=LONG.replace("-", " ").title(), base_url=f"https://{LONG}.com")
    site_create(owner=other_owner, name="Shop", base_url=f"https://shop.{LONG}.example.org")


def _sites_list(browser, live_server, *, email, width):
    context = browser.new_context(user_agent=CHROME_UA, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/sites/site/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/sites/site/")
    return context, page


def _off_screen_reports_links(page) -> list:
    """The Reports links whose box does not lie within the viewport's width, with their box."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll("#result_list td.field-reports a")]
            .map((link) => link.getBoundingClientRect())
            .filter((box) => box.left < 0 || box.right > width || box.width === 0)
            .map((box) => [Math.round(box.left), Math.round(box.right), width]);
        }"""
    )


def _scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [1280, 1440])
def test_a_superuser_sees_every_reports_link_and_each_sites_owner(
    browser, live_server, superuser, owner, other_owner, long_sites, width
):
    context, page = _sites_list(browser, live_server, email=superuser.email, width=width)
    assert page.locator("#result_list td.field-reports a").count() == 2
    assert _off_screen_reports_links(page) == []
    assert not _scrolls_sideways(page)
    # The owner column names each site's owner; the superuser is not shown as owning them.
    owners = page.locator("#result_list td.field-owner").all_inner_texts()
    assert sorted(owners) == sorted([owner.email, other_owner.email])
    roles = set(page.locator("#result_list td.field-role").all_inner_texts())
    assert roles == {"superuser"}
    context.close()


@pytest.mark.parametrize("width", [1280, 1440])
def test_an_owner_sees_the_reports_link_of_their_site(
    browser, live_server, owner, long_sites, width
):
    context, page = _sites_list(browser, live_server, email=owner.email, width=width)
    links = page.locator("#result_list td.field-reports a")
    assert links.count() == 1
    assert _off_screen_reports_links(page) == []
    assert not _scrolls_sideways(page)
    assert page.locator("#result_list td.field-role").all_inner_texts() == ["owner"]
    links.first.click()
    page.wait_for_url("**/sites/*/stats/")
    context.close()


def test_the_check_sees_a_link_pushed_off_the_screen(browser, live_server, superuser, long_sites):
    context, page = _sites_list(browser, live_server, email=superuser.email, width=1280)
    page.evaluate(
        "document.querySelectorAll('#result_list .field-name').forEach("
        "(cell) => { cell.style.minWidth = '1400px'; })"
    )
    assert len(_off_screen_reports_links(page)) == 2
    context.close()
