"""Making site-scoped tokens on the site's page, the account page and the admin; the migration
that gives existing tokens their scopes."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create, token_hash
from sites.models import Membership, Role
from sites.services import site_create

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'<code id="token">(trk_[^<]+)</code>')


@pytest.fixture
def second_site(owner):
    return site_create(owner=owner, name="Docs", base_url="https://docs.example.com")


def test_site_page_links_to_its_tokens(owner_client, site):
    page = owner_client.get(f"/sites/{site.pk}/").content.decode()
    assert f'href="/sites/{site.pk}/tokens/"' in page


def test_owner_makes_a_token_for_one_site_shown_once(owner_client, owner, site, second_site):
    response = owner_client.post(
        f"/sites/{site.pk}/tokens/", {"name": "Agency", "scopes": ["read", "ingest"]}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode()
    plain = TOKEN.search(text).group(1)
    assert "read, ingest · Blog" in text
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(plain) and token.owner == owner
    assert token.scopes == ["read", "ingest"] and not token.all_sites
    assert list(token.sites.all()) == [site]

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get(f"/api/v1/sites/{site.pk}/stats/").status_code == 200
    assert api.get(f"/api/v1/sites/{second_site.pk}/stats/").status_code == 404

    listing = owner_client.get(f"/sites/{site.pk}/tokens/").content.decode()
    assert "Agency" in listing and token.prefix in listing and plain not in listing
    assert "Agency" not in owner_client.get(f"/sites/{second_site.pk}/tokens/").content.decode()


def test_site_token_form_needs_a_scope(owner_client, site):
    response = owner_client.post(f"/sites/{site.pk}/tokens/", {"name": "Agency"})
    assert response.status_code == 200
    assert "Give the token at least one scope." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_from_the_site_page_comes_back_to_it(owner_client, owner, site):
    token, _ = token_create(owner=owner, name="CI", sites=[site])
    response = owner_client.post(
        f"/accounts/tokens/{token.pk}/revoke/", {"next": f"/sites/{site.pk}/tokens/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/sites/{site.pk}/tokens/"
    token.refresh_from_db()
    assert not token.is_active
    evil = owner_client.post(
        f"/accounts/tokens/{token.pk}/revoke/", {"next": "https://evil.example/"}
    )
    assert evil["Location"] == "/accounts/"


@pytest.mark.parametrize(("role", "status"), [(Role.MANAGER, 403), (Role.VIEWER, 403), (None, 404)])
def test_only_the_owner_makes_site_tokens(client, site, role, status):
    from accounts.services import user_register

    user = user_register(email="someone@example.net", password="a long enough passphrase 42")
    if role:
        Membership.objects.create(site=site, user=user, role=role)
    client.force_login(user)
    assert client.get(f"/sites/{site.pk}/tokens/").status_code == status
    post = client.post(f"/sites/{site.pk}/tokens/", {"name": "x", "scopes": ["read"]})
    assert post.status_code == status
    assert not ApiToken.objects.exists()


def test_account_page_token_for_chosen_sites(owner_client, owner, site, second_site, other_site):
    response = owner_client.post(
        "/accounts/tokens/new/", {"name": "Report", "scopes": ["read"], "sites": [second_site.pk]}
    )
    assert TOKEN.search(response.content.decode())
    token = ApiToken.objects.get()
    assert not token.all_sites and list(token.sites.all()) == [second_site]
    assert "read · Docs" in owner_client.get("/accounts/").content.decode()

    foreign = owner_client.post(
        "/accounts/tokens/new/", {"name": "x", "scopes": ["read"], "sites": [other_site.pk]}
    )
    assert "sites" in foreign.context["form"].errors
    nothing = owner_client.post("/accounts/tokens/new/", {"name": "x", "scopes": ["read"]})
    assert nothing.context["form"].errors["sites"] == [
        "Choose at least one site, or tick “All sites”."
    ]
    assert ApiToken.objects.count() == 1


def test_admin_makes_and_changes_a_site_token(owner_client, owner, site, second_site, other_site):
    form = owner_client.get("/admin/api/apitoken/add/").content.decode()
    assert "Blog" in form and "Docs" in form and other_site.name not in form
    response = owner_client.post(
        "/admin/api/apitoken/add/",
        {"name": "Deploys", "can_ingest": "on", "sites": [site.pk]},
        follow=True,
    )
    plain = re.search(r"(trk_[A-Za-z0-9_\-]+)", response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(plain)
    assert token.scopes == ["ingest"] and list(token.sites.all()) == [site]

    changed = owner_client.post(
        f"/admin/api/apitoken/{token.pk}/change/",
        {"name": "Deploys", "can_read": "on", "all_sites": "on", "sites": [second_site.pk]},
    )
    assert changed.status_code == 302
    token.refresh_from_db()
    assert token.scopes == ["read"] and token.all_sites and not token.sites.exists()
    assert token.key_hash == token_hash(plain)

    empty = owner_client.post(f"/admin/api/apitoken/{token.pk}/change/", {"name": "Deploys"})
    assert empty.status_code == 200
    assert "Give the token at least one scope" in empty.content.decode()


BEFORE = [("api", "0002_site_owners_tokens")]
AFTER = [("api", "0003_token_scopes")]


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_keep_what_they_could_do():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    owner = old.get_model("accounts", "User").objects.create(email="o@example.com", password="!")
    OldToken = old.get_model("api", "ApiToken")
    OldToken.objects.create(owner=owner, name="ro", prefix="trk_a", key_hash="a", read_only=True)
    OldToken.objects.create(owner=owner, name="rw", prefix="trk_b", key_hash="b", read_only=False)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("api", "ApiToken")
    rows = new.objects.order_by("name").values_list(
        "name", "can_read", "can_write", "can_ingest", "all_sites"
    )
    assert list(rows) == [("ro", True, False, False, True), ("rw", True, True, True, True)]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # reversible
    back = executor.loader.project_state(BEFORE).apps.get_model("api", "ApiToken")
    assert list(back.objects.order_by("name").values_list("name", "read_only")) == [
        ("ro", True),
        ("rw", False),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
