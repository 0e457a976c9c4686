"""Token scopes through the API with real tokens: each scope against each kind of endpoint."""

import pytest
from rest_framework.test import APIClient

from api.models import INGEST, READ, WRITE
from api.services import token_create
from sites.models import Site
from sites.services import goal_create
from visits.models import Visit

pytestmark = pytest.mark.django_db

EVENT = {"url": "https://blog.example.com/pricing", "user_agent": "Mozilla/5.0 (X11; Linux)"}
NEW_SITE = {"name": "Docs", "base_url": "https://docs.example.com"}


def client_with(plain: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def _goal(site):
    return goal_create(site=site, name="Signup", kind="event", value="signup")


# (kind of endpoint, request, answer when allowed)
ENDPOINTS = {
    "list sites": (READ, lambda api, site: api.get("/api/v1/sites/"), 200),
    "one site": (READ, lambda api, site: api.get(f"/api/v1/sites/{site.pk}/"), 200),
    "stats": (READ, lambda api, site: api.get(f"/api/v1/sites/{site.pk}/stats/"), 200),
    "timeseries": (READ, lambda api, site: api.get(f"/api/v1/sites/{site.pk}/timeseries/"), 200),
    "breakdown": (
        READ,
        lambda api, site: api.get(f"/api/v1/sites/{site.pk}/breakdown/", {"dimension": "page"}),
        200,
    ),
    "goal results": (READ, lambda api, site: api.get(f"/api/v1/sites/{site.pk}/goals/"), 200),
    "visits": (READ, lambda api, site: api.get(f"/api/v1/sites/{site.pk}/visits/"), 200),
    "export": (READ, lambda api, site: api.get(f"/api/v1/sites/{site.pk}/export/"), 200),
    "add site": (WRITE, lambda api, site: api.post("/api/v1/sites/", NEW_SITE, format="json"), 201),
    "change site": (
        WRITE,
        lambda api, site: api.patch(f"/api/v1/sites/{site.pk}/", {"name": "Diary"}, format="json"),
        200,
    ),
    "delete site": (WRITE, lambda api, site: api.delete(f"/api/v1/sites/{site.pk}/"), 204),
    "add goal": (
        WRITE,
        lambda api, site: api.post(
            f"/api/v1/sites/{site.pk}/goals/",
            {"name": "Pricing", "value": "/pricing"},
            format="json",
        ),
        201,
    ),
    "remove goal": (
        WRITE,
        lambda api, site: api.delete(f"/api/v1/sites/{site.pk}/goals/{_goal(site).pk}/"),
        204,
    ),
    "post event": (
        INGEST,
        lambda api, site: api.post(f"/api/v1/sites/{site.pk}/events/", EVENT, format="json"),
        202,
    ),
}


@pytest.mark.parametrize("scope", [READ, WRITE, INGEST])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_scope_opens_only_its_own_endpoints(owner, site, scope, endpoint):
    kind, call, allowed_status = ENDPOINTS[endpoint]
    api = client_with(token_create(owner=owner, name="ci", scopes=[scope])[1])
    response = call(api, site)
    if kind == scope:
        assert response.status_code == allowed_status
    else:
        assert response.status_code == 403
        assert response.json() == {
            "detail": f"This token lacks the “{kind}” scope.",
            "missing_scope": kind,
            "token_scopes": [scope],
        }


@pytest.mark.parametrize("scope", [READ, WRITE, INGEST])
def test_refused_calls_change_nothing(owner, site, scope):
    api = client_with(token_create(owner=owner, name="ci", scopes=[scope])[1])
    for endpoint, (kind, call, _) in ENDPOINTS.items():
        if kind != scope and endpoint != "remove goal":
            call(api, site)
    site.refresh_from_db()
    assert site.name == "Blog"
    assert list(Site.objects.values_list("name", flat=True)) == ["Blog"]
    assert not site.goals.exists()
    assert not Visit.objects.exists()


def test_an_ingest_event_is_stored_as_sent(owner, site):
    api = client_with(token_create(owner=owner, name="ci", scopes=[INGEST])[1])
    response = api.post(f"/api/v1/sites/{site.pk}/events/", EVENT, format="json")
    assert response.json() == {"stored": True, "skipped": ""}
    assert list(Visit.objects.values_list("site_id", "path")) == [(site.pk, "/pricing")]


def test_several_scopes_together(owner, site):
    api = client_with(token_create(owner=owner, name="ci", scopes=[READ, INGEST])[1])
    assert api.get(f"/api/v1/sites/{site.pk}/stats/").status_code == 200
    assert api.post(f"/api/v1/sites/{site.pk}/events/", EVENT, format="json").status_code == 202
    refused = api.patch(f"/api/v1/sites/{site.pk}/", {"name": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["missing_scope"] == WRITE
    assert refused.json()["token_scopes"] == [READ, INGEST]


def test_a_browser_session_keeps_every_scope(owner_client, site):
    assert owner_client.get(f"/api/v1/sites/{site.pk}/stats/").status_code == 200
    response = owner_client.post(
        f"/api/v1/sites/{site.pk}/events/", EVENT, content_type="application/json"
    )
    assert response.status_code == 202


# --- sites -----------------------------------------------------------------------------


@pytest.fixture
def second_site(owner):
    from sites.services import site_create

    return site_create(owner=owner, name="Shop", base_url="https://shop.example.com")


def test_a_site_token_sees_only_its_site(owner, site, second_site):
    plain = token_create(owner=owner, name="agency", scopes=[READ], sites=[site])[1]
    api = client_with(plain)
    assert [row["id"] for row in api.get("/api/v1/sites/").json()] == [site.pk]
    assert api.get(f"/api/v1/sites/{site.pk}/stats/").status_code == 200
    for path in ("", "stats/", "visits/", "export/", "goals/"):
        response = api.get(f"/api/v1/sites/{second_site.pk}/{path}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "No such site."}


def test_another_site_is_404_for_every_scope(owner, site, second_site):
    plain = token_create(owner=owner, name="ci", scopes=[READ, WRITE, INGEST], sites=[site])[1]
    api = client_with(plain)
    calls = [
        api.patch(f"/api/v1/sites/{second_site.pk}/", {"name": "x"}, format="json"),
        api.delete(f"/api/v1/sites/{second_site.pk}/"),
        api.post(
            f"/api/v1/sites/{second_site.pk}/goals/", {"name": "p", "value": "/p"}, format="json"
        ),
        api.post(f"/api/v1/sites/{second_site.pk}/events/", EVENT, format="json"),
        api.get("/api/v1/sites/abc/"),
    ]
    assert [response.status_code for response in calls] == [404] * 5
    second_site.refresh_from_db()
    assert second_site.name == "Shop" and not Visit.objects.exists()
    assert (
        api.patch(f"/api/v1/sites/{site.pk}/", {"name": "Diary"}, format="json").status_code == 200
    )


def test_a_site_token_cannot_add_sites(owner, site):
    plain = token_create(owner=owner, name="ci", scopes=[READ, WRITE], sites=[site])[1]
    response = client_with(plain).post("/api/v1/sites/", NEW_SITE, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token is limited to some sites and can't add one.",
        "missing_scope": "all sites",
    }
    assert Site.objects.count() == 1


def test_a_token_whose_sites_are_all_deleted_opens_nothing(owner, site, second_site):
    plain = token_create(owner=owner, name="ci", scopes=[READ], sites=[site])[1]
    site.delete()
    api = client_with(plain)
    assert api.get("/api/v1/sites/").json() == []
    assert api.get(f"/api/v1/sites/{second_site.pk}/").status_code == 404


def test_an_all_sites_token_covers_sites_added_later(owner, site):
    api = client_with(token_create(owner=owner, name="ci", scopes=[READ])[1])
    from sites.services import site_create

    later = site_create(owner=owner, name="Later", base_url="https://later.example.com")
    assert api.get(f"/api/v1/sites/{later.pk}/stats/").status_code == 200


def test_a_token_never_exceeds_its_owners_role(site):
    from accounts.services import user_register
    from sites.models import Membership, Role

    viewer = user_register(email="viewer@example.net", password="a long enough passphrase 42")
    Membership.objects.create(site=site, user=viewer, role=Role.VIEWER)
    plain = token_create(owner=viewer, name="ci", scopes=[READ, WRITE, INGEST], sites=[site])[1]
    api = client_with(plain)
    assert api.get(f"/api/v1/sites/{site.pk}/stats/").status_code == 200
    response = api.post(f"/api/v1/sites/{site.pk}/events/", EVENT, format="json")
    assert response.status_code == 403 and "viewer" in response.json()["detail"]


def test_a_token_cannot_be_limited_to_a_strangers_site(owner, other_site):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(owner=owner, name="ci", sites=[other_site])
    with pytest.raises(ValidationError):
        token_create(owner=owner, name="ci", sites=[])
    with pytest.raises(ValidationError):
        token_create(owner=owner, name="ci", scopes=[])
    with pytest.raises(ValidationError):
        token_create(owner=owner, name="ci", scopes=["admin"])


def test_the_schema_describes_scopes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]["description"]
    assert "`ingest`" in scheme and "404" in scheme
    events = schema["paths"]["/api/v1/sites/{id}/events/"]["post"]
    assert "Scope `ingest`" in events["description"] and "403" in events["responses"]
    assert "Scope `write`" in schema["paths"]["/api/v1/sites/"]["post"]["description"]
    assert "Scope `read`" in schema["paths"]["/api/v1/sites/{id}/stats/"]["get"]["description"]
