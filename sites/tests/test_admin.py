from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.services import user_register
from sites.funnel_services import experiment_create, funnel_create
from sites.models import Annotation, Experiment, Funnel, Goal, Invitation, Membership, Segment, Site
from sites.services import annotation_create, invitation_create
from visits.segments import segment_create


@pytest.mark.django_db
def test_owner_adds_site_in_admin_and_owns_it(owner_client, owner):
    add_page = owner_client.get("/admin/sites/site/add/").content.decode()
    assert 'name="owner"' not in add_page

    response = owner_client.post(
        "/admin/sites/site/add/",
        {"name": "Admin site", "base_url": "Example.org/x", "timezone": "UTC"},
    )

    assert response.status_code == 302
    site = Site.objects.get()
    assert site.owner == owner
    assert site.base_url == "https://example.org"


@pytest.mark.django_db
def test_owner_cannot_pick_another_owner_in_admin(owner_client, owner, other_owner):
    owner_client.post(
        "/admin/sites/site/add/",
        {
            "name": "Sneaky",
            "base_url": "https://x.example",
            "timezone": "UTC",
            "owner": other_owner.pk,
        },
    )
    assert Site.objects.get().owner == owner


@pytest.mark.django_db
def test_admin_invalid_base_url_is_a_form_error(owner_client):
    response = owner_client.post(
        "/admin/sites/site/add/",
        {"name": "Bad", "base_url": "javascript:alert(1)", "timezone": "UTC"},
    )
    assert response.status_code == 200
    assert "Only http:// and https://" in response.content.decode()
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_owner_renames_and_deletes_in_admin(owner_client, site):
    response = owner_client.post(
        f"/admin/sites/site/{site.pk}/change/",
        {"name": "Renamed", "base_url": "https://blog.example.com", "timezone": "UTC"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "Renamed"

    response = owner_client.post(f"/admin/sites/site/{site.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_superuser_assigns_owner_in_admin(client, superuser, other_owner):
    client.force_login(superuser)
    response = client.post(
        "/admin/sites/site/add/",
        {
            "name": "For Otto",
            "base_url": "https://otto.example",
            "timezone": "UTC",
            "owner": other_owner.pk,
        },
    )
    assert response.status_code == 302
    assert Site.objects.get().owner == other_owner


@pytest.mark.django_db
def test_changelist_counts_visits_without_a_query_per_row(
    owner_client, owner, django_assert_max_num_queries
):
    from sites.services import site_create
    from visits.models import Visit

    for number in range(5):
        site = site_create(owner=owner, name=f"S{number}", base_url=f"https://s{number}.example")
        Visit.objects.create(site=site, url=f"https://s{number}.example/")
    with django_assert_max_num_queries(12):
        response = owner_client.get("/admin/sites/site/")
    assert response.status_code == 200


def _admin_pages(objects):
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        yield model, "changelist", base
        yield model, "add", base + "add/"
        if model in objects:
            yield model, "change", f"{base}{objects[model].pk}/change/"


def _expected_status(model, kind, who):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from visits.models import Visit

    recorded = {Visit, AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice}
    if kind == "add" and model in recorded:
        return 403  # recorded data: nobody adds it by hand
    if who == "owner" and model in {
        Membership,
        Invitation,
        Group,
        get_user_model(),
        AccessAttempt,
        AccessLog,
        AccessFailureLog,
        TOTPDevice,
    }:
        return 403  # owners never see users, groups, login records, or teams here
    return 200


@pytest.mark.parametrize("who", ["superuser", "owner"])
@pytest.mark.django_db
def test_admin_smoke_every_page(client, who, superuser, owner, site):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from api.models import ApiToken
    from api.services import token_create
    from reports.models import Webhook
    from visits.models import Visit

    visit = Visit.objects.create(site=site, url="https://blog.example.com/")
    attempt = AccessAttempt.objects.create(
        username="x@example.com", ip_address="fd00::1", failures_since_start=1
    )
    token, _ = token_create(owner=owner, name="script")
    goal = Goal.objects.create(site=site, name="Signup", kind="event", value="signup")
    member = user_register(email="member@example.net", password="a long enough passphrase 42")
    invitation = invitation_create(
        site=site, email="new@example.net", role="viewer", invited_by=owner, now=timezone.now()
    )
    funnel = funnel_create(
        site=site,
        name="Signup",
        steps=[{"kind": "page", "value": "/"}, {"kind": "event", "value": "signup"}],
    )
    experiment = experiment_create(
        site=site, name="Checkout", variant_property="exp", control="a", goal=goal
    )
    objects = {
        Annotation: annotation_create(site=site, day=date(2026, 3, 1), text="New pricing page"),
        Segment: segment_create(site=site, name="Germans", filters={"country": "DE"}),
        Funnel: funnel,
        Experiment: experiment,
        Membership: Membership.objects.create(site=site, user=member, role="viewer"),
        Invitation: invitation,
        Goal: goal,
        ApiToken: token,
        Webhook: Webhook.objects.create(site=site, url="https://hooks.example/x", secret="s"),
        Site: site,
        Visit: visit,
        get_user_model(): owner,
        Group: Group.objects.first(),
        AccessAttempt: attempt,
        TOTPDevice: TOTPDevice.objects.create(user=member, name="Phone", confirmed=True),
    }
    assert set(admin.site._registry) == {*objects, AccessLog, AccessFailureLog}
    client.force_login(superuser if who == "superuser" else owner)
    assert client.get("/admin/").status_code == 200
    for model, kind, url in _admin_pages(objects):
        assert client.get(url).status_code == _expected_status(model, kind, who), url


@pytest.mark.django_db
def test_the_site_list_shows_reports_first_and_each_sites_real_owner(
    client, superuser, owner, site
):
    own = Site.objects.create(owner=superuser, name="Admin's own", base_url="https://a.example")
    client.force_login(superuser)
    page = client.get("/admin/sites/site/")
    headers = page.context["cl"].list_display
    assert list(headers[:3]) == ["action_checkbox", "name", "reports"]
    rows = {row.name: row for row in page.context["cl"].result_list}
    admin_class = page.context["cl"].model_admin
    assert admin_class.role(rows["Blog"]) == "superuser"  # owned by `owner`, not the superuser
    assert admin_class.role(rows[own.name]) == "owner"
    assert owner.email in page.content.decode()
