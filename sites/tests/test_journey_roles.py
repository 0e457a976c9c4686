"""Journeys, on the page and in the API, are read by the whole team; strangers get a 404,
anonymous users the login; API reads need the `read` scope."""

import pytest

from api.models import INGEST, WRITE
from api.services import token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, status", [("owner", 200), ("manager", 200), ("viewer", 200),
                                         ("stranger", 404)])  # fmt: skip
def test_journeys_page_by_role(as_user, site, who, status):
    assert as_user(who).get(f"/sites/{site.pk}/journeys/").status_code == status


def test_anonymous_users_are_sent_to_log_in(client, site):
    response = client.get(f"/sites/{site.pk}/journeys/")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("who, status", [("owner", 200), ("manager", 200), ("viewer", 200),
                                         ("stranger", 404)])  # fmt: skip
def test_journeys_by_role(api_as, site, who, status):
    assert api_as(who).get(f"/api/v1/sites/{site.pk}/journeys/").status_code == status


@pytest.mark.parametrize("scope", [WRITE, INGEST])
def test_journeys_need_the_read_scope(client, owner, site, scope):
    token = token_create(owner=owner, name="ci", scopes=[scope])[1]
    response = client.get(
        f"/api/v1/sites/{site.pk}/journeys/", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403
    assert response.json()["missing_scope"] == "read"


def test_journeys_are_described_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/sites/{id}/journeys/" in schema
    assert "The most common paths through the site" in schema
