import pytest
from django.contrib.auth import get_user_model

ACCOUNT = "/accounts/"
PASSWORD_CHANGE = "/accounts/password/"


@pytest.mark.django_db
def test_account_page_changes_name_and_email(owner_client, owner):
    response = owner_client.post(ACCOUNT, {"name": "Olivia", "email": "Olivia@New.example"})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.name == "Olivia"
    assert owner.email == "olivia@new.example"


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
