"""How long visits are kept erases data: only a site's owner may change it, in pages, admin
and API. A form or script that leaves out the newer fields still works."""

import pytest

from sites.models import Site

pytestmark = pytest.mark.django_db


def test_a_manager_cannot_shorten_retention_in_the_site_form(as_user, site):
    form = {"name": "Renamed", "base_url": site.base_url, "retention_days": "1"}
    page = as_user("manager").get(f"/sites/{site.pk}/edit/").content.decode()
    assert "Only the site" in page and "owner may change this" in page
    assert as_user("manager").post(f"/sites/{site.pk}/edit/", form).status_code == 302
    site.refresh_from_db()
    assert (site.name, site.retention_days) == ("Renamed", None)
    assert as_user("owner").post(f"/sites/{site.pk}/edit/", form).status_code == 302
    assert Site.objects.get(pk=site.pk).retention_days == 1


def test_a_manager_cannot_shorten_retention_in_the_admin(as_user, site):
    url = f"/admin/sites/site/{site.pk}/change/"
    form = {"name": "Renamed", "base_url": site.base_url, "timezone": "UTC", "extra_domains": ""}
    assert 'name="retention_days"' not in as_user("manager").get(url).content.decode()
    assert as_user("manager").post(url, {**form, "retention_days": "1"}).status_code == 302
    assert Site.objects.get(pk=site.pk).retention_days is None
    assert 'name="retention_days"' in as_user("owner").get(url).content.decode()
    assert as_user("owner").post(url, {**form, "retention_days": "1"}).status_code == 302
    assert Site.objects.get(pk=site.pk).retention_days == 1


def test_a_manager_cannot_shorten_retention_through_the_api(api_as, site):
    url = f"/api/v1/sites/{site.pk}/"
    refused = api_as("manager").patch(url, {"retention_days": 1}, format="json")
    assert refused.status_code == 403
    assert "owner" in refused.json()["detail"]
    assert Site.objects.get(pk=site.pk).retention_days is None
    # Sending the value as it is (a full PUT, say) is not a change.
    same = api_as("manager").patch(url, {"retention_days": None, "name": "X"}, format="json")
    assert same.status_code == 200
    assert api_as("owner").patch(url, {"retention_days": 1}, format="json").status_code == 200
    assert Site.objects.get(pk=site.pk).retention_days == 1


def test_a_site_is_made_from_the_contracts_fields_alone(owner_client):
    response = owner_client.post("/sites/new/", {"name": "Shop", "base_url": "shop.example"})
    assert response.status_code == 302
    assert Site.objects.get(name="Shop").timezone == "UTC"


def test_editing_without_a_time_zone_keeps_the_one_chosen(owner_client, site):
    site.timezone = "Europe/Berlin"
    site.save()
    form = {"name": "Renamed", "base_url": site.base_url}
    assert owner_client.post(f"/sites/{site.pk}/edit/", form).status_code == 302
    assert Site.objects.get(pk=site.pk).timezone == "Europe/Berlin"
