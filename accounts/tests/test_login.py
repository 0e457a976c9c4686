import pytest
from django.urls import reverse

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


@pytest.mark.django_db
def test_login_with_email_and_password(client, owner, password):
    response = client.post(LOGIN, {"username": "owner@example.com", "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("sites:list")
    assert client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.django_db
def test_login_email_is_case_insensitive(client, owner, password):
    response = client.post(LOGIN, {"username": "Owner@EXAMPLE.com", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.django_db
def test_wrong_password_shows_error(client, owner):
    response = client.post(LOGIN, {"username": "owner@example.com", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_next_on_this_host_is_followed(client, owner, password):
    response = client.post(
        LOGIN, {"username": "owner@example.com", "password": password, "next": "/accounts/"}
    )
    assert response["Location"] == "/accounts/"


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/",
        "https:/evil.example",
        "/\\evil.example",
        "http://evil.example/accounts/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "https://testserver@evil.example/",
    ],
)
@pytest.mark.django_db
def test_next_off_this_host_is_ignored(client, owner, password, evil):
    response = client.post(
        LOGIN, {"username": "owner@example.com", "password": password, "next": evil}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("sites:list")


@pytest.mark.django_db
def test_login_required_pages_send_to_login_with_next(client):
    response = client.get("/sites/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/sites/"


@pytest.mark.django_db
def test_logout_is_post_only(owner_client):
    assert owner_client.get(LOGOUT).status_code == 405
    response = owner_client.post(LOGOUT)
    assert response.status_code == 302
    assert "_auth_user_id" not in owner_client.session
    assert owner_client.get("/sites/").status_code == 302


@pytest.mark.django_db
def test_navigation_shows_who_is_logged_in(owner_client):
    body = owner_client.get("/sites/").content.decode()
    assert "Olive Owner" in body
    assert 'action="/accounts/logout/"' in body
