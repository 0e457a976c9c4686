import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create, token_hash

pytestmark = pytest.mark.django_db


def test_plain_token_is_never_stored(owner):
    token, plain = token_create(owner=owner, name="x")
    assert plain.startswith("trk_") and len(plain) > 40
    assert token.key_hash == token_hash(plain) != plain
    dump = io.StringIO()
    call_command("dumpdata", "api", stdout=dump)
    assert plain not in dump.getvalue()
    assert plain[12:] not in dump.getvalue()


def test_token_page_shows_the_token_once(owner_client, owner):
    response = owner_client.post(
        "/accounts/tokens/new/", {"name": "Weekly report", "scopes": "read", "all_sites": "on"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    plain = re.search(r'<code id="token">(trk_[^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == token_hash(plain) and token.owner == owner
    assert token.scopes == ["read"] and token.all_sites
    account = owner_client.get("/accounts/").content.decode()
    assert "Weekly report" in account and token.prefix in account
    assert plain not in account


def test_bearer_token_authenticates_and_records_last_use(owner, write_token):
    client = APIClient()
    assert client.get("/api/v1/sites/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_token}")
    assert client.get("/api/v1/sites/").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer nope", "Bearer a b", "Bearer trk_\u00e9", "Token x"]
)
def test_bad_credentials_are_401_json(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/sites/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()


def test_revoked_token_stops_working(owner_client, write_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_token}")
    assert client.get("/api/v1/sites/").status_code == 200
    token = ApiToken.objects.get()
    assert owner_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert client.get("/api/v1/sites/").status_code == 401


def test_owner_cannot_revoke_another_owners_token(owner_client, other_owner):
    token, _ = token_create(owner=other_owner, name="theirs")
    assert owner_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_token_of_a_deactivated_owner_is_refused(owner, write_token):
    owner.is_active = False
    owner.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_token}")
    assert client.get("/api/v1/sites/").status_code == 401


def test_admin_creates_token_shows_it_once_and_scopes_list(owner_client, owner, other_owner):
    token_create(owner=other_owner, name="theirs")
    response = owner_client.post(
        "/admin/api/apitoken/add/",
        {"name": "From admin", "can_read": "on", "all_sites": "on"},
        follow=True,
    )
    text = response.content.decode()
    plain = re.search(r"(trk_[A-Za-z0-9_\-]+)", text).group(1)
    mine = ApiToken.objects.get(name="From admin")
    assert mine.owner == owner and mine.key_hash == token_hash(plain)
    listing = owner_client.get("/admin/api/apitoken/").content.decode()
    assert "From admin" in listing and "theirs" not in listing


@pytest.mark.parametrize("rate", ["3/m", "3/2m", "3/1h"])
def test_throttling_per_token(api, settings, rate):
    settings.API_RATE_LIMIT = rate
    cache.clear()
    statuses = [api.get("/api/v1/sites/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert "detail" in api.get("/api/v1/sites/").json()
    cache.clear()
