"""Two owners never see each other's sites, in the pages or in the admin; a superuser sees both."""

import pytest

from sites.models import Site

FOREIGN_PAGES = (
    "/sites/{pk}/",
    "/sites/{pk}/edit/",
    "/sites/{pk}/delete/",
    "/sites/{pk}/visits/",
    "/sites/{pk}/visits.csv",
)
FOREIGN_ADMIN = (
    "/admin/sites/site/{pk}/change/",
    "/admin/sites/site/{pk}/delete/",
    "/admin/sites/site/{pk}/history/",
)


@pytest.mark.django_db
def test_owner_list_shows_only_own_sites(owner_client, site, other_site):
    body = owner_client.get("/sites/").content.decode()
    assert f'href="/sites/{site.pk}/"' in body
    assert f'href="/sites/{other_site.pk}/"' not in body
    assert "Shop" not in body


@pytest.mark.parametrize("template", FOREIGN_PAGES + FOREIGN_ADMIN)
@pytest.mark.django_db
def test_foreign_site_is_404_everywhere(owner_client, other_site, template):
    url = template.format(pk=other_site.pk)
    assert owner_client.get(url).status_code == 404


@pytest.mark.parametrize("template", FOREIGN_PAGES + FOREIGN_ADMIN)
@pytest.mark.django_db
def test_unknown_site_is_404_everywhere(owner_client, template):
    assert owner_client.get(template.format(pk=999999)).status_code == 404


@pytest.mark.django_db
def test_foreign_site_cannot_be_changed_or_deleted_by_post(owner_client, other_site):
    owner_client.post(
        f"/sites/{other_site.pk}/edit/",
        {"name": "Hacked", "base_url": "https://x.example", "timezone": "UTC"},
    )
    owner_client.post(f"/sites/{other_site.pk}/delete/")
    owner_client.post(
        f"/admin/sites/site/{other_site.pk}/change/",
        {"name": "Hacked", "base_url": "https://x.example", "timezone": "UTC"},
    )
    owner_client.post(f"/admin/sites/site/{other_site.pk}/delete/", {"post": "yes"})
    other_site.refresh_from_db()
    assert other_site.name == "Shop"


@pytest.mark.django_db
def test_admin_changelist_shows_only_own_sites(owner_client, site, other_site):
    body = owner_client.get("/admin/sites/site/").content.decode()
    assert "Blog" in body
    assert "Shop" not in body
    assert "other@example.org" not in body


@pytest.mark.django_db
def test_admin_bulk_delete_cannot_reach_foreign_sites(owner_client, site, other_site):
    owner_client.post(
        "/admin/sites/site/",
        {
            "action": "delete_selected",
            "_selected_action": [site.pk, other_site.pk],
            "post": "yes",
        },
    )
    assert Site.objects.filter(pk=other_site.pk).exists()
    assert not Site.objects.filter(pk=site.pk).exists()


@pytest.mark.django_db
def test_superuser_sees_both_in_pages_and_admin(client, superuser, site, other_site):
    client.force_login(superuser)
    body = client.get("/admin/sites/site/").content.decode()
    assert "Blog" in body and "Shop" in body
    for pk in (site.pk, other_site.pk):
        assert client.get(f"/sites/{pk}/").status_code == 200
        assert client.get(f"/admin/sites/site/{pk}/change/").status_code == 200


@pytest.mark.django_db
def test_owner_cannot_see_users_or_become_superuser(owner_client, owner):
    assert owner_client.get("/admin/accounts/user/").status_code == 403
    assert owner_client.get(f"/admin/accounts/user/{owner.pk}/change/").status_code == 403
    owner_client.post(
        f"/admin/accounts/user/{owner.pk}/change/",
        {"email": owner.email, "is_superuser": "on", "is_staff": "on"},
    )
    owner.refresh_from_db()
    assert not owner.is_superuser
    index = owner_client.get("/admin/").content.decode()
    assert "/admin/accounts/user/" not in index
    assert "/admin/sites/site/" in index
