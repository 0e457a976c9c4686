"""Forgotten passwords through the pages: the emailed link, a new password, what the page tells
a stranger, single sign-on accounts, two-factor after a reset, and the limit per address."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from accounts.services import user_register
from accounts.tests.two_factor_steps import CODE_PAGE, set_up

pytestmark = pytest.mark.django_db
RESET = "/accounts/password/reset/"
NEW = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def ask(client, email: str, address: str = "81.2.69.142"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    return re.search(r"https?://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def choose(client, link: str, password: str = NEW):
    form = client.get(link, follow=True)  # Django moves the token out of the address first
    assert form.status_code == 200
    url = form.redirect_chain[-1][0]
    return client.post(url, {"new_password1": password, "new_password2": password})


def test_the_login_page_links_the_reset(client):
    assert f'href="{RESET}"' in client.get("/accounts/login/").content.decode()


def test_a_reset_link_sets_a_new_password_once(client, owner, password):
    response = ask(client, "OWNER@example.com")  # any letter case
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    assert "Choose a new password" in message.subject
    link = link_in(message)

    done = choose(client, link)
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/done/"
    login = {"username": "owner@example.com"}
    assert client.post("/accounts/login/", {**login, "password": password}).status_code == 200
    assert client.post("/accounts/login/", {**login, "password": NEW}).status_code == 302
    client.post("/accounts/logout/")

    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_email(client, owner):
    response = ask(client, "nobody@example.com")
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "If that address belongs to an account" in page


def test_a_bad_address_is_a_form_error(client):
    response = ask(client, "not an email")
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()


def test_an_account_made_by_single_sign_on_can_set_its_first_password(client):
    user = user_register(email="sso@example.com", password=None)
    assert not user.has_usable_password()
    ask(client, "sso@example.com")
    assert len(mail.outbox) == 1
    assert choose(client, link_in(mail.outbox[0])).status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW)


def test_a_reset_does_not_skip_two_factor(client, owner, clock):
    client.force_login(owner)
    set_up(client)
    client.post("/accounts/logout/")
    ask(client, "owner@example.com")
    choose(client, link_in(mail.outbox[0]))
    logged = client.post("/accounts/login/", {"username": "owner@example.com", "password": NEW})
    assert logged.status_code == 302
    assert client.get("/sites/")["Location"].startswith(CODE_PAGE)


def test_reset_emails_are_limited_per_address(client, owner, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = "2/h"
    statuses = [ask(client, "owner@example.com").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert "Too many reset emails" in ask(client, "owner@example.com").content.decode()
    assert ask(client, "owner@example.com", address="192.0.2.7").status_code == 302
