"""Email reports are bound to accounts, not to typed addresses: a teammate's emails follow their
account's confirmed address, stop when they leave the team, and are theirs alone to change."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from accounts.services import user_register
from reports.models import Subscription
from reports.services import subscription_create
from sites.models import Membership, Role

PASSWORD = "a long enough passphrase 42"
MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.PUBLIC_URL = "http://testserver"


@pytest.fixture
def viewer(site):
    user = user_register(email="viewer@example.net", password=PASSWORD)
    Membership.objects.create(site=site, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def viewer_client(viewer):
    client = Client()
    client.force_login(viewer)
    return client


def _subscribe_self(client, site):
    form = {"frequency": "weekly", "alerts": "on"}
    assert client.post(f"/sites/{site.pk}/reports/", form).status_code == 302


def _change_email(client, email: str) -> None:
    assert client.post("/accounts/", {"name": "", "email": email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/email/\S+/)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 302


def _send_reports(now):
    with time_machine.travel(now, tick=False):
        call_command("send_reports", stdout=None)


@pytest.mark.django_db
def test_a_viewers_subscription_is_bound_to_their_account(viewer_client, viewer, site):
    _subscribe_self(viewer_client, site)

    subscription = site.subscriptions.get()

    assert subscription.user == viewer
    assert subscription.recipient == "viewer@example.net"


@pytest.mark.django_db
def test_digests_follow_the_confirmed_address(viewer_client, viewer, site):
    _subscribe_self(viewer_client, site)
    _change_email(viewer_client, "viewer@new.example")
    mail.outbox.clear()

    _send_reports(MONDAY)

    assert [message.to for message in mail.outbox] == [["viewer@new.example"]]


@pytest.mark.django_db
def test_a_removed_teammate_gets_no_more_digests_after_an_email_change(
    owner_client, viewer_client, viewer, site
):
    _subscribe_self(viewer_client, site)
    _change_email(viewer_client, "viewer@new.example")
    membership = viewer.memberships.get()

    response = owner_client.post(f"/sites/{site.pk}/team/{membership.pk}/remove/")
    mail.outbox.clear()
    _send_reports(MONDAY)

    assert response.status_code == 302
    assert not site.subscriptions.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_address_a_manager_adds_for_a_teammate_leaves_with_them(owner_client, viewer, site):
    form = {"email": "Viewer@Example.net", "frequency": "weekly"}
    assert owner_client.post(f"/sites/{site.pk}/reports/", form).status_code == 302
    assert site.subscriptions.get().user == viewer
    membership = viewer.memberships.get()

    owner_client.post(f"/sites/{site.pk}/team/{membership.pk}/remove/")

    assert not site.subscriptions.exists()


@pytest.mark.django_db
def test_a_manager_still_adds_an_outside_address(owner_client, site):
    form = {"email": "Board@Example.org", "frequency": "monthly"}

    response = owner_client.post(f"/sites/{site.pk}/reports/", form)
    again = owner_client.post(f"/sites/{site.pk}/reports/", form)

    assert response.status_code == 302
    subscription = site.subscriptions.get()
    assert (subscription.user, subscription.recipient) == (None, "board@example.org")
    assert again.status_code == 400
    assert "emails already" in again.content.decode()


@pytest.mark.django_db
def test_a_viewer_subscribes_once(viewer_client, site):
    _subscribe_self(viewer_client, site)

    again = viewer_client.post(f"/sites/{site.pk}/reports/", {"frequency": "monthly"})

    assert again.status_code == 400
    assert "emails already" in again.content.decode()
    assert site.subscriptions.get().frequency == "weekly"


@pytest.mark.django_db
def test_a_viewer_cannot_take_over_a_recipient_by_typing_their_address(viewer_client, viewer, site):
    boss = subscription_create(site=site, email="boss@example.com", frequency="weekly", alerts=True)

    viewer_client.post("/accounts/", {"name": "", "email": "boss@example.com"})
    page = viewer_client.get(f"/sites/{site.pk}/reports/").content.decode()
    deleted = viewer_client.post(f"/sites/{site.pk}/reports/{boss.pk}/delete/")

    assert "You get no emails about this site yet." in page
    assert deleted.status_code == 404
    assert Subscription.objects.filter(pk=boss.pk).exists()


@pytest.mark.django_db
def test_an_outside_address_is_not_a_viewers_own_even_at_their_address(viewer_client, viewer, site):
    # The address was added as an outside recipient; the viewer's account reaches it later.
    board = subscription_create(
        site=site, email="board@example.org", frequency="weekly", alerts=True
    )
    _change_email(viewer_client, "board@example.org")

    page = viewer_client.get(f"/sites/{site.pk}/reports/").content.decode()
    deleted = viewer_client.post(f"/sites/{site.pk}/reports/{board.pk}/delete/")

    assert "You get no emails about this site yet." in page
    assert deleted.status_code == 404
    assert Subscription.objects.filter(pk=board.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_binds_existing_subscriptions_to_their_accounts():
    before, after = [("reports", "0001_initial")], [("reports", "0002_subscription_user")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User, Site = old.get_model("accounts", "User"), old.get_model("sites", "Site")
    owner = User.objects.create(email="owner@example.com", password="!")
    site = Site.objects.create(owner=owner, name="Blog", base_url="https://blog.example.com")
    Subscription = old.get_model("reports", "Subscription")
    Subscription.objects.create(site=site, email="owner@example.com", token="a")
    Subscription.objects.create(site=site, email="board@example.org", token="b")

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    new = executor.loader.project_state(after).apps.get_model("reports", "Subscription")
    bound = dict(new.objects.values_list("email", "user__email"))
    assert bound == {"owner@example.com": "owner@example.com", "board@example.org": None}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
