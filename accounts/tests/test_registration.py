import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.services import SITE_OWNERS_GROUP

User = get_user_model()
REGISTER = "/accounts/register/"
GOOD = {
    "name": "Ada",
    "email": "ada@example.com",
    "password1": "a-long enough passphrase 42",
    "password2": "a-long enough passphrase 42",
}


@pytest.mark.django_db
def test_register_creates_owner_logs_in_and_redirects(client):
    response = client.post(REGISTER, GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("sites:list")
    user = User.objects.get()
    assert user.email == "ada@example.com"
    assert user.name == "Ada"
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=SITE_OWNERS_GROUP).exists()
    assert user.check_password(GOOD["password1"])
    assert client.get(reverse("sites:list")).context["user"] == user


@pytest.mark.django_db
def test_register_without_name_is_fine(client):
    response = client.post(REGISTER, {**GOOD, "name": ""})
    assert response.status_code == 302
    assert User.objects.get().name == ""


@pytest.mark.django_db
def test_email_is_stored_in_lower_case(client):
    client.post(REGISTER, {**GOOD, "email": "Ada@Example.COM"})
    assert User.objects.get().email == "ada@example.com"


@pytest.mark.django_db
def test_duplicate_email_in_another_case_is_refused(client, owner):
    response = client.post(REGISTER, {**GOOD, "email": "OWNER@example.com"})

    assert response.status_code == 200
    assert (
        "An account with this email address already exists."
        in response.context["form"].errors["email"]
    )
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password1": "password", "password2": "password"}, "password2", "too common"),
        ({"password1": "short1", "password2": "short1"}, "password2", "too short"),
        ({"password1": "83746592837465", "password2": "83746592837465"}, "password2", "numeric"),
        ({"password2": "something else entirely"}, "password2", "match"),
        ({"email": ""}, "email", "required"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password1": ""}, "password1", "required"),
        ({"password2": ""}, "password2", "required"),
    ],
)
@pytest.mark.django_db
def test_invalid_registration_shows_error_and_creates_nobody(client, changes, field, message):
    response = client.post(REGISTER, {**GOOD, **changes})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_register_page_renders_fields(client):
    body = client.get(REGISTER).content.decode()
    for name in ("name", "email", "password1", "password2"):
        assert f'name="{name}"' in body
    assert "<h1>Create your account</h1>" in body
    assert "<title>Create your account · Tracker</title>" in body


@pytest.mark.django_db
def test_site_owners_group_is_created_by_migration():
    group = Group.objects.get(name=SITE_OWNERS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    managed = (
        "site", "goal", "apitoken", "annotation", "segment", "funnel", "funnelstep",
        "experiment", "webhook",
    )  # fmt: skip
    expected = {
        f"{action}_{model}" for model in managed for action in ("add", "change", "delete", "view")
    }
    assert codenames == expected | {"view_visit"}
