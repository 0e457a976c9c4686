"""Inviting a colleague by email, as a new user would: the owner invites, the email arrives,
the colleague signs up from its link and joins; invitations expire, are renewed or withdrawn,
and only the invited address may use one."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.services import user_register
from sites.models import Invitation, Membership, Role
from sites.services import invitation_create

PASSWORD = "a long enough passphrase 42"
LINK = re.compile(r"http://testserver(/invitations/[\w-]+/)")


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.PUBLIC_URL = "http://testserver"


@pytest.fixture
def owner_client(owner):
    """The owner's own browser: the colleague uses `client`, beside it."""
    owner_browser = Client()
    owner_browser.force_login(owner)
    return owner_browser


def _invite(client, site, email="colleague@example.net", role="viewer"):
    return client.post(f"/sites/{site.pk}/team/", {"email": email, "role": role})


def _link_in_last_email() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


@pytest.mark.django_db
def test_a_colleague_joins_as_a_viewer_from_the_emailed_link(owner_client, client, site):
    response = _invite(owner_client, site, email=" Colleague@Example.net ")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["colleague@example.net"]
    assert "Blog" in message.subject
    assert "Olive Owner invites you to the team of Blog" in message.body
    link = _link_in_last_email()
    team_page = owner_client.get(f"/sites/{site.pk}/team/").content.decode()
    assert "colleague@example.net" in team_page
    assert link in team_page  # the owner can copy it if the email goes astray

    invitation_page = client.get(link)
    assert invitation_page.status_code == 200
    body = invitation_page.content.decode()
    assert "as a viewer" in body
    register_url = re.search(r'href="(/accounts/register/\?[^"]+)"', body).group(1)
    register_form = client.get(register_url.replace("&amp;", "&"))
    assert 'value="colleague@example.net"' in register_form.content.decode()

    signed_up = client.post(
        register_url.replace("&amp;", "&"),
        {
            "name": "Col League",
            "email": "colleague@example.net",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": link,
        },
    )
    assert signed_up.status_code == 302
    assert signed_up["Location"] == link
    assert "Join the team" in client.get(link).content.decode()
    joined = client.post(link)
    assert joined.status_code == 302
    assert joined["Location"] == f"/sites/{site.pk}/"
    membership = Membership.objects.get(site=site)
    assert (membership.user.email, membership.role) == ("colleague@example.net", Role.VIEWER)
    assert not Invitation.objects.exists()
    assert client.get(link).status_code == 404  # used up
    assert client.get(f"/sites/{site.pk}/stats/").status_code == 200
    assert client.get(f"/sites/{site.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_an_existing_user_logs_in_from_the_link_and_joins_as_manager(owner_client, client, site):
    user_register(email="colleague@example.net", password=PASSWORD)
    _invite(owner_client, site, role="manager")
    link = _link_in_last_email()
    assert "you may change the site and its goals" in mail.outbox[-1].body
    body = client.get(link).content.decode()
    login_url = re.search(r'href="(/accounts/login/\?[^"]+)"', body).group(1)
    logged_in = client.post(
        login_url, {"username": "colleague@example.net", "password": PASSWORD, "next": link}
    )
    assert logged_in["Location"] == link
    client.post(link)
    assert Membership.objects.get(site=site).role == Role.MANAGER
    assert client.get(f"/sites/{site.pk}/edit/").status_code == 200


@pytest.mark.django_db
def test_an_expired_invitation_is_refused(owner, client, site):
    user = user_register(email="late@example.net", password=PASSWORD)
    invitation = invitation_create(
        site=site,
        email="late@example.net",
        role="viewer",
        invited_by=owner,
        now=timezone.now() - timedelta(days=8),
    )
    client.force_login(user)
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 410
    assert "has expired" in page.content.decode()
    refused = client.post(invitation.get_absolute_url())
    assert refused.status_code == 403
    assert "expired" in refused.content.decode()
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_an_invitation_works_only_for_its_address(owner_client, client, site, other_owner):
    _invite(owner_client, site)
    link = _link_in_last_email()
    client.force_login(other_owner)
    refused = client.post(link)
    assert refused.status_code == 403
    assert "is for colleague@example.net" in refused.content.decode()
    assert not Membership.objects.exists()
    assert Invitation.objects.exists()  # still there for the right person


@pytest.mark.django_db
def test_an_anonymous_post_joins_nobody(owner_client, client, site):
    _invite(owner_client, site)
    assert client.post(_link_in_last_email()).status_code == 403
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_inviting_again_renews_the_link_and_the_old_one_stops_working(owner_client, site):
    _invite(owner_client, site)
    first = _link_in_last_email()
    _invite(owner_client, site, role="manager")
    second = _link_in_last_email()
    assert first != second
    assert owner_client.get(first).status_code == 404
    assert Invitation.objects.get().role == Role.MANAGER


@pytest.mark.django_db
def test_withdrawn_invitation_is_gone(owner_client, client, site):
    _invite(owner_client, site)
    link = _link_in_last_email()
    invitation = Invitation.objects.get()
    owner_client.post(f"/sites/{site.pk}/team/invitations/{invitation.pk}/cancel/")
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("owner@example.com", "owns this site already"),
        ("member@example.net", "is on the team already"),
        ("not an address", "Enter a valid email address"),
    ],
)
@pytest.mark.django_db
def test_bad_invitations_are_form_errors(owner_client, site, email, error):
    member = user_register(email="member@example.net", password=PASSWORD)
    Membership.objects.create(site=site, user=member, role=Role.VIEWER)
    response = _invite(owner_client, site, email=email)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert mail.outbox == []
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_failed_email_keeps_the_invitation_and_says_so(owner_client, site, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = _invite(owner_client, site)
    assert response.status_code == 302
    page = owner_client.get(response["Location"]).content.decode()
    assert "could not be sent" in page
    assert Invitation.objects.get().email == "colleague@example.net"


@pytest.mark.django_db
def test_owner_changes_a_role_and_removes_a_member(owner_client, client, site):
    member = user_register(email="member@example.net", password=PASSWORD)
    membership = Membership.objects.create(site=site, user=member, role=Role.VIEWER)
    client.force_login(member)
    assert client.get(f"/sites/{site.pk}/edit/").status_code == 403
    owner_client.post(f"/sites/{site.pk}/team/{membership.pk}/role/", {"role": "manager"})
    assert client.get(f"/sites/{site.pk}/edit/").status_code == 200
    bad = owner_client.post(f"/sites/{site.pk}/team/{membership.pk}/role/", {"role": "owner"})
    assert bad.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    owner_client.post(f"/sites/{site.pk}/team/{membership.pk}/remove/")
    assert client.get(f"/sites/{site.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_member_leaves_a_team(client, site):
    member = user_register(email="member@example.net", password=PASSWORD)
    Membership.objects.create(site=site, user=member, role=Role.VIEWER)
    client.force_login(member)
    assert client.post(f"/sites/{site.pk}/leave/").status_code == 302
    assert not Membership.objects.exists()
    assert client.get(f"/sites/{site.pk}/").status_code == 404
    assert client.post(f"/sites/{site.pk}/leave/").status_code == 404


@pytest.mark.django_db
def test_register_ignores_a_next_page_on_another_host(client):
    response = client.post(
        "/accounts/register/?next=https://evil.example/",
        {
            "email": "new@example.net",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/sites/"


@pytest.mark.django_db
def test_invitation_emails_are_limited_per_owner(owner_client, site, settings):
    settings.INVITE_RATE_LIMIT = "2/h"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _invite(owner_client, site, email="a@example.net").status_code == 302
    assert _invite(owner_client, site, email="b@example.net").status_code == 302
    refused = _invite(owner_client, site, email="c@example.net")
    assert refused.status_code == 429
    assert "many invitations lately" in refused.content.decode()
    assert [message.to for message in mail.outbox] == [["a@example.net"], ["b@example.net"]]
    assert not Invitation.objects.filter(email="c@example.net").exists()


@pytest.mark.django_db
def test_a_site_name_stays_on_one_line_for_email_subjects(owner_client, site):
    form = {"name": "Blog\r\nBcc: x@example.org", "base_url": site.base_url, "timezone": "UTC"}
    owner_client.post(f"/sites/{site.pk}/edit/", form)
    site.refresh_from_db()
    assert site.name == "Blog Bcc: x@example.org"
    assert _invite(owner_client, site).status_code == 302
    assert mail.outbox[-1].subject == (
        "You are invited to see the visits to Blog Bcc: x@example.org"
    )


@pytest.mark.django_db
def test_changing_ones_email_to_the_invited_address_does_not_join(owner_client, client, site):
    _invite(owner_client, site)
    invitation_link = _link_in_last_email()
    impostor = user_register(email="impostor@example.org", password=PASSWORD)
    client.force_login(impostor)

    changed = client.post("/accounts/", {"name": "", "email": "colleague@example.net"})
    joined = client.post(invitation_link)

    assert changed.status_code == 302
    assert mail.outbox[-1].to == ["colleague@example.net"]  # the link goes to the invitee
    impostor.refresh_from_db()
    assert impostor.email == "impostor@example.org"
    assert joined.status_code == 403
    assert not Membership.objects.exists()
    colleague = Client()
    form = {"email": "colleague@example.net", "password1": PASSWORD, "password2": PASSWORD}
    assert colleague.post("/accounts/register/", {"name": "", **form}).status_code == 302
    assert colleague.post(invitation_link).status_code == 302
    assert Membership.objects.get().user.email == "colleague@example.net"


@pytest.mark.django_db
def test_an_invitee_may_move_an_account_to_the_invited_address_by_its_link(
    owner_client, client, site
):
    _invite(owner_client, site)
    invitation_link = _link_in_last_email()
    colleague = user_register(email="old@example.org", password=PASSWORD)
    client.force_login(colleague)
    client.post("/accounts/", {"name": "", "email": "colleague@example.net"})
    confirm_link = re.search(r"http://testserver(/accounts/email/\S+/)", mail.outbox[-1].body)

    assert client.get(confirm_link.group(1)).status_code == 302
    assert client.post(invitation_link).status_code == 302
    assert Membership.objects.get().user == colleague
