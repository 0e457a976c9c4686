import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

ACCOUNT = "/accounts/"
PASSWORD_CHANGE = "/accounts/password/"


def _confirm_link() -> str:
    return re.search(r"http://testserver(/accounts/email/\S+/)", mail.outbox[-1].body).group(1)


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.PUBLIC_URL = "http://testserver"


@pytest.mark.django_db
def test_account_page_changes_the_name_at_once_and_the_email_only_by_link(owner_client, owner):
    response = owner_client.post(ACCOUNT, {"name": "Olivia", "email": "Olivia@New.example"})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.name == "Olivia"
    assert owner.email == "owner@example.com"
    assert mail.outbox[-1].to == ["olivia@new.example"]

    confirmed = owner_client.get(_confirm_link())

    assert confirmed.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "olivia@new.example"
    assert mail.outbox[-1].to == ["owner@example.com"]
    assert "olivia@new.example" in mail.outbox[-1].body
    assert owner_client.get(ACCOUNT).status_code == 200


@pytest.mark.django_db
def test_the_confirmation_link_works_once(owner_client, owner):
    owner_client.post(ACCOUNT, {"name": "", "email": "new@example.com"})
    link = _confirm_link()
    assert owner_client.get(link).status_code == 302

    again = owner_client.get(link)

    assert again.status_code == 400 and b"used already" in again.content


@pytest.mark.django_db
def test_the_confirmation_link_needs_the_account_that_asked(owner_client, owner, other_owner):
    owner_client.post(ACCOUNT, {"name": "", "email": "new@example.com"})
    link = _confirm_link()
    anonymous = Client()
    assert anonymous.get(link).status_code == 302  # to the login page
    intruder = Client()
    intruder.force_login(other_owner)

    response = intruder.get(link)

    assert response.status_code == 400
    owner.refresh_from_db()
    other_owner.refresh_from_db()
    assert (owner.email, other_owner.email) == ("owner@example.com", "other@example.org")


@pytest.mark.django_db
def test_the_confirmation_link_expires(owner_client, owner):
    with time_machine.travel("2026-03-02 10:00Z"):
        owner_client.post(ACCOUNT, {"name": "", "email": "new@example.com"})
        link = _confirm_link()
    with time_machine.travel("2026-03-04 10:01Z"):
        response = owner_client.get(link)

    assert response.status_code == 400 and b"expired" in response.content
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


@pytest.mark.django_db
def test_a_tampered_confirmation_link_is_refused(owner_client, owner):
    owner_client.post(ACCOUNT, {"name": "", "email": "new@example.com"})
    link = _confirm_link()

    response = owner_client.get(link.replace("/accounts/email/", "/accounts/email/x"))

    assert response.status_code == 400 and b"not valid" in response.content


@pytest.mark.django_db
def test_an_address_taken_before_the_link_is_opened_is_refused(owner_client, owner):
    owner_client.post(ACCOUNT, {"name": "", "email": "new@example.com"})
    link = _confirm_link()
    get_user_model().objects.create_user(email="new@example.com", password="x")

    response = owner_client.get(link)

    assert response.status_code == 400 and b"already exists" in response.content
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


@pytest.mark.django_db
def test_account_email_cannot_take_another_account(owner_client, owner, other_owner):
    response = owner_client.post(ACCOUNT, {"name": "x", "email": "OTHER@example.org"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


@pytest.mark.django_db
def test_account_keeps_own_email(owner_client, owner):
    response = owner_client.post(ACCOUNT, {"name": "Same", "email": "owner@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_account_refuses_a_bad_email(owner_client, owner):
    response = owner_client.post(ACCOUNT, {"name": "x", "email": "not an email"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_keeps_session_and_new_password_works(
    owner_client, owner, password, client
):
    new = "an even longer passphrase 77"
    response = owner_client.post(
        PASSWORD_CHANGE,
        {"old_password": password, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert owner_client.get(ACCOUNT).status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert not owner.check_password(password)


@pytest.mark.django_db
def test_password_change_needs_old_password(owner_client, owner, password):
    new = "an even longer passphrase 77"
    response = owner_client.post(
        PASSWORD_CHANGE,
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    owner.refresh_from_db()
    assert owner.check_password(password)


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(owner):
    user = get_user_model().objects.get(pk=owner.pk)
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_account_page_needs_login(client):
    assert client.get(ACCOUNT).status_code == 302
