"""What a viewer, a manager and a stranger may do with someone else's site: in the pages, the
admin and the API. Strangers get 404s (the site doesn't exist for them); teammates whose role
falls short get 403s that say so."""

import pytest
from django.core import mail

from reports.services import subscription_create
from sites.models import Goal, Role, Site
from sites.services import goal_create
from visits.models import Visit

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def goal(site):
    return goal_create(site=site, name="Signup", kind="page", value="/thanks")


@pytest.fixture
def visit(site):
    return Visit.objects.create(site=site, url="https://blog.example.com/a", event="pageview")


# --- pages -------------------------------------------------------------------------------
# Each page with the status each role gets on GET.
PAGES = {
    "/sites/{pk}/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/stats/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/stats/live": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/visits/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/visits.csv": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/edit/": {"owner": 200, "manager": 200, "viewer": 403, "stranger": 404},
    "/sites/{pk}/goals/": {"owner": 200, "manager": 200, "viewer": 403, "stranger": 404},
    "/sites/{pk}/reports/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/sharing/": {"owner": 200, "manager": 403, "viewer": 403, "stranger": 404},
    "/sites/{pk}/team/": {"owner": 200, "manager": 403, "viewer": 403, "stranger": 404},
    "/sites/{pk}/delete/": {"owner": 200, "manager": 403, "viewer": 403, "stranger": 404},
}


@pytest.mark.parametrize("who", ["owner", "manager", "viewer", "stranger"])
@pytest.mark.parametrize("template", PAGES)
@pytest.mark.django_db
def test_each_role_gets_its_pages(as_user, site, who, template):
    response = as_user(who).get(template.format(pk=site.pk))
    assert response.status_code == PAGES[template][who]


@pytest.mark.django_db
def test_a_lesser_role_is_told_which_role_is_needed(as_user, site):
    response = as_user("viewer").get(f"/sites/{site.pk}/edit/")
    assert response.status_code == 403
    assert "Only a manager or the owner" in response.content.decode()


@pytest.mark.django_db
def test_teammates_see_shared_sites_in_their_list_with_their_role(as_user, site, other_site):
    body = as_user("viewer").get("/sites/").content.decode()
    assert f'href="/sites/{site.pk}/"' in body
    assert "shared with you as a viewer" in body
    assert f'href="/sites/{other_site.pk}/"' not in body
    assert f'href="/sites/{site.pk}/"' not in as_user("stranger").get("/sites/").content.decode()


@pytest.mark.django_db
def test_pages_offer_only_what_the_role_allows(as_user, site):
    viewer_page = as_user("viewer").get(f"/sites/{site.pk}/").content.decode()
    assert f"/sites/{site.pk}/edit/" not in viewer_page
    assert f"/sites/{site.pk}/delete/" not in viewer_page
    assert "Leave this site" in viewer_page
    manager_page = as_user("manager").get(f"/sites/{site.pk}/").content.decode()
    assert f"/sites/{site.pk}/edit/" in manager_page
    assert f"/sites/{site.pk}/team/" not in manager_page
    assert f"/sites/{site.pk}/delete/" not in manager_page
    owner_page = as_user("owner").get(f"/sites/{site.pk}/").content.decode()
    assert f"/sites/{site.pk}/team/" in owner_page
    assert f"/sites/{site.pk}/delete/" in owner_page


@pytest.mark.django_db
def test_manager_edits_the_site_and_its_goals_but_viewer_cannot(as_user, site):
    form = {"name": "Renamed", "base_url": site.base_url, "timezone": "UTC"}
    assert as_user("viewer").post(f"/sites/{site.pk}/edit/", form).status_code == 403
    assert Site.objects.get(pk=site.pk).name == "Blog"
    assert as_user("manager").post(f"/sites/{site.pk}/edit/", form).status_code == 302
    assert Site.objects.get(pk=site.pk).name == "Renamed"

    goal = {"name": "Signup", "kind": "page", "value": "/thanks"}
    assert as_user("viewer").post(f"/sites/{site.pk}/goals/", goal).status_code == 403
    assert not Goal.objects.exists()
    assert as_user("manager").post(f"/sites/{site.pk}/goals/", goal).status_code == 302
    assert Goal.objects.filter(site=site, value="/thanks").exists()


@pytest.mark.parametrize("who", ["manager", "viewer", "stranger"])
@pytest.mark.django_db
def test_only_the_owner_deletes_the_site(as_user, site, who):
    response = as_user(who).post(f"/sites/{site.pk}/delete/")
    assert response.status_code == (404 if who == "stranger" else 403)
    assert Site.objects.filter(pk=site.pk).exists()


@pytest.mark.parametrize("who", ["manager", "viewer", "stranger"])
@pytest.mark.django_db
def test_only_the_owner_changes_the_team(as_user, site, viewer, who):
    membership = viewer.memberships.get()
    client = as_user(who)
    invite = client.post(f"/sites/{site.pk}/team/", {"email": "x@example.com", "role": "manager"})
    promote = client.post(f"/sites/{site.pk}/team/{membership.pk}/role/", {"role": "manager"})
    remove = client.post(f"/sites/{site.pk}/team/{membership.pk}/remove/")
    expected = 404 if who == "stranger" else 403
    assert (invite.status_code, promote.status_code, remove.status_code) == (expected,) * 3
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    assert not site.invitations.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_only_the_owner_makes_shared_links(as_user, site):
    assert as_user("manager").post(f"/sites/{site.pk}/sharing/", {"name": "x"}).status_code == 403
    assert not site.shared_links.exists()


# --- admin -------------------------------------------------------------------------------
ADMIN_PAGES = {
    "/admin/sites/site/": {"manager": 200, "viewer": 200, "stranger": 200},
    "/admin/sites/site/{pk}/change/": {"manager": 200, "viewer": 200, "stranger": 404},
    "/admin/sites/site/{pk}/delete/": {"manager": 403, "viewer": 403, "stranger": 404},
    "/admin/sites/goal/{goal}/change/": {"manager": 200, "viewer": 200, "stranger": 404},
    "/admin/sites/goal/{goal}/delete/": {"manager": 200, "viewer": 403, "stranger": 404},
    "/admin/visits/visit/{visit}/change/": {"manager": 200, "viewer": 200, "stranger": 404},
    "/admin/visits/visit/{visit}/delete/": {"manager": 403, "viewer": 403, "stranger": 404},
}


@pytest.mark.parametrize("who", ["manager", "viewer", "stranger"])
@pytest.mark.parametrize("template", ADMIN_PAGES)
@pytest.mark.django_db
def test_each_role_gets_its_admin_pages(as_user, site, goal, visit, who, template):
    url = template.format(pk=site.pk, goal=goal.pk, visit=visit.pk)
    assert as_user(who).get(url).status_code == ADMIN_PAGES[template][who]


@pytest.mark.django_db
def test_admin_lists_shared_sites_to_teammates_only(as_user, site):
    assert "Blog" in as_user("viewer").get("/admin/sites/site/").content.decode()
    assert "Blog" not in as_user("stranger").get("/admin/sites/site/").content.decode()


@pytest.mark.django_db
def test_admin_site_is_read_only_for_a_viewer_and_editable_for_a_manager(as_user, site):
    url = f"/admin/sites/site/{site.pk}/change/"
    form = {"name": "Renamed", "base_url": site.base_url, "timezone": "UTC", "extra_domains": ""}
    viewer_page = as_user("viewer").get(url).content.decode()
    assert 'name="_save"' not in viewer_page
    assert as_user("viewer").post(url, form).status_code == 403
    assert Site.objects.get(pk=site.pk).name == "Blog"
    assert 'name="_save"' in as_user("manager").get(url).content.decode()
    assert as_user("manager").post(url, form).status_code == 302
    assert Site.objects.get(pk=site.pk).name == "Renamed"


@pytest.mark.django_db
def test_admin_goal_changes_are_for_managers(as_user, site, goal):
    url = f"/admin/sites/goal/{goal.pk}/change/"
    form = {"site": site.pk, "name": "Bought", "kind": "page", "value": "/paid"}
    assert as_user("viewer").post(url, form).status_code == 403
    assert as_user("manager").post(url, form).status_code == 302
    assert Goal.objects.get(pk=goal.pk).value == "/paid"


@pytest.mark.parametrize("action", ["export_everything", "erase_visits"])
@pytest.mark.django_db
def test_admin_exports_and_erasures_are_the_owners(as_user, site, visit, action):
    form = {"action": action, "_selected_action": [site.pk], "confirmed": "yes"}
    response = as_user("manager").post("/admin/sites/site/", form, follow=True)
    assert "Only a site&#x27;s owner may" in response.content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()
    owner_response = as_user("owner").post("/admin/sites/site/", form)
    assert owner_response.status_code == 200 if action == "export_everything" else 302


@pytest.mark.django_db
def test_admin_bulk_visit_deletion_is_refused_to_teammates(as_user, visit):
    form = {"action": "delete_selected", "_selected_action": [visit.pk], "post": "yes"}
    as_user("manager").post("/admin/visits/visit/", form)
    assert Visit.objects.filter(pk=visit.pk).exists()


# --- API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "read", "write", "delete"),
    [
        ("owner", 200, 200, 204),
        ("manager", 200, 200, 403),
        ("viewer", 200, 403, 403),
        ("stranger", 404, 404, 404),
    ],
)
@pytest.mark.django_db
def test_api_roles(api_as, site, who, read, write, delete):
    client = api_as(who)
    base = f"/api/v1/sites/{site.pk}/"
    assert client.get(base).status_code == read
    assert client.get(base + "stats/").status_code == read
    assert client.get(base + "export/").status_code == read
    patch = client.patch(base, {"name": "Renamed"}, format="json")
    assert patch.status_code == write
    goal = client.post(base + "goals/", {"name": "G", "kind": "event", "value": "x"}, format="json")
    assert goal.status_code == (201 if write == 200 else write)
    event = {"event": "signup", "url": "https://blog.example.com/", "user_agent": "Mozilla/5.0"}
    assert client.post(base + "events/", event, format="json").status_code == (
        202 if write == 200 else write
    )
    assert client.delete(base).status_code == delete
    assert Site.objects.filter(pk=site.pk).exists() == (delete != 204)


@pytest.mark.django_db
def test_api_refusal_names_the_role(api_as, site):
    response = api_as("viewer").patch(f"/api/v1/sites/{site.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert "you are a viewer" in response.json()["detail"]


@pytest.mark.django_db
def test_api_lists_shared_sites_to_teammates(api_as, site, other_site):
    assert [row["id"] for row in api_as("viewer").get("/api/v1/sites/").json()] == [site.pk]
    assert api_as("stranger").get("/api/v1/sites/").json() == []


@pytest.mark.django_db
def test_removed_member_loses_access_and_the_sites_emails(as_user, site, viewer):
    subscription_create(site=site, email=viewer.email, frequency="weekly", alerts=True)
    membership = viewer.memberships.get()
    response = as_user("owner").post(f"/sites/{site.pk}/team/{membership.pk}/remove/")
    assert response.status_code == 302
    assert as_user("viewer").get(f"/sites/{site.pk}/").status_code == 404
    assert not site.subscriptions.exists()


@pytest.mark.django_db
def test_a_viewer_chooses_only_their_own_emails(as_user, site, viewer):
    subscription_create(site=site, email="boss@example.com", frequency="weekly", alerts=True)
    page = as_user("viewer").get(f"/sites/{site.pk}/reports/").content.decode()
    assert "boss@example.com" not in page
    assert "Your emails" in page
    # Whatever address the form is sent with, a viewer subscribes themselves.
    form = {"email": "someone@example.org", "frequency": "monthly", "alerts": "on"}
    assert as_user("viewer").post(f"/sites/{site.pk}/reports/", form).status_code == 302
    mine = site.subscriptions.get(email=viewer.email)
    assert (mine.frequency, mine.alerts) == ("monthly", True)
    assert not site.subscriptions.filter(email="someone@example.org").exists()
    boss = site.subscriptions.get(email="boss@example.com")
    client = as_user("viewer")
    assert client.post(f"/sites/{site.pk}/reports/{boss.pk}/delete/").status_code == 404
    assert client.post(f"/sites/{site.pk}/reports/{mine.pk}/delete/").status_code == 302
    assert list(site.subscriptions.values_list("email", flat=True)) == ["boss@example.com"]


@pytest.mark.django_db
def test_a_manager_chooses_anyones_emails(as_user, site):
    form = {"email": "someone@example.org", "frequency": "weekly"}
    assert as_user("manager").post(f"/sites/{site.pk}/reports/", form).status_code == 302
    assert site.subscriptions.filter(email="someone@example.org").exists()
    page = as_user("manager").get(f"/sites/{site.pk}/reports/").content.decode()
    assert "someone@example.org" in page
