import pytest
from rest_framework.test import APIClient

from sites.models import Site

pytestmark = pytest.mark.django_db
NEW = {
    "name": "Docs",
    "base_url": "docs.example.com/start",
    "timezone": "Europe/Berlin",
    "extra_domains": ["https://help.example.com/x"],
}


def test_list_only_own_sites(api, site, other_site):
    response = api.get("/api/v1/sites/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [site.pk]
    assert response.json()[0] == {
        "id": site.pk,
        "name": "Blog",
        "base_url": "https://blog.example.com",
        "extra_domains": [],
        "allow_localhost": False,
        "timezone": "UTC",
        "retention_days": None,
        "excluded_ips": [],
        "excluded_countries": [],
        "excluded_paths": [],
        "excluded_hostnames": [],
        "created_at": response.json()[0]["created_at"],
    }


def test_retention_period_through_the_api(api, site):
    url = f"/api/v1/sites/{site.pk}/"
    assert api.patch(url, {"retention_days": 0}, format="json").status_code == 400
    assert api.patch(url, {"retention_days": 90}, format="json").json()["retention_days"] == 90
    assert api.patch(url, {"retention_days": None}, format="json").json()["retention_days"] is None
    site.refresh_from_db()
    assert site.retention_days is None


def test_create_read_update_delete(api, owner):
    created = api.post("/api/v1/sites/", NEW, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["base_url"] == "https://docs.example.com"
    assert body["extra_domains"] == ["help.example.com"]
    site = Site.objects.get(pk=body["id"])
    assert site.owner == owner

    assert api.get(f"/api/v1/sites/{site.pk}/").json()["name"] == "Docs"
    patched = api.patch(
        f"/api/v1/sites/{site.pk}/", {"name": "Manual", "allow_localhost": True}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["name"] == "Manual" and patched.json()["allow_localhost"] is True
    replaced = api.put(
        f"/api/v1/sites/{site.pk}/", {"name": "M", "base_url": "https://m.example"}, format="json"
    )
    assert replaced.status_code == 200 and replaced.json()["base_url"] == "https://m.example"

    assert api.delete(f"/api/v1/sites/{site.pk}/").status_code == 204
    assert not Site.objects.filter(pk=site.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "base_url": "ftp://x.example"}, "base_url"),
        ({"name": "X", "base_url": "javascript:alert(1)"}, "base_url"),
        ({"name": "X", "base_url": ""}, "base_url"),
        ({"name": "", "base_url": "https://x.example"}, "name"),
        ({"name": "X", "base_url": "https://x.example", "timezone": "Mars/Base"}, "timezone"),
        (
            {"name": "X", "base_url": "https://x.example", "extra_domains": ["not a domain"]},
            "extra_domains",
        ),
        ({"base_url": "https://x.example"}, "name"),
    ],
)
def test_invalid_site_is_400_with_field_errors(api, payload, field):
    response = api.post("/api/v1/sites/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Site.objects.exists()


def test_malformed_json_is_400(api):
    response = api.generic("POST", "/api/v1/sites/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_other_owners_site_is_404(api, other_site, method):
    response = getattr(api, method)(f"/api/v1/sites/{other_site.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404
    other_site.refresh_from_db()
    assert other_site.name == "Shop"


def test_read_only_token_cannot_write(read_api, site):
    assert read_api.get("/api/v1/sites/").status_code == 200
    for response in (
        read_api.post("/api/v1/sites/", NEW, format="json"),
        read_api.patch(f"/api/v1/sites/{site.pk}/", {"name": "x"}, format="json"),
        read_api.delete(f"/api/v1/sites/{site.pk}/"),
    ):
        assert response.status_code == 403
        assert response.json() == {
            "detail": "This token lacks the “write” scope.",
            "missing_scope": "write",
            "token_scopes": ["read"],
        }
    site.refresh_from_db()
    assert site.name == "Blog"


def test_session_login_works_for_the_owners_browser(owner, site):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get("/api/v1/sites/").status_code == 200
    assert client.post("/api/v1/sites/", NEW, format="json").status_code == 403  # no CSRF token
