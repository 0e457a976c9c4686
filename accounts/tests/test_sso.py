"""Single sign-on through a real OpenID provider in another process (oidc_provider.py): the
browser's trip is driven by hand, the token exchange and key fetch are real HTTP."""

import html
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from sites.models import Invitation

LOGIN = "/accounts/login/"
START = "/accounts/sso/login/"
CALLBACK = "/accounts/sso/callback/"


def to_provider(client, next_page: str = "") -> str:
    """Start a sign-in; returns the provider's answer: the callback URL with code and state."""
    start = client.get(START + (f"?next={next_page}" if next_page else ""))
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == CALLBACK
    return f"{back.path}?{back.query}"


def sign_in(client, provider, *, email: str, flaw: str = "", next_page: str = "", **claims):
    provider.next_login(email=email, flaw=flaw, **claims)
    return client.get(to_provider(client, next_page))


def refusal(client, response) -> str:
    """The login page's message after a refused sign-in (and nobody logged in)."""
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert "Single sign-on failed." in html.unescape(page.text)
    return html.unescape(page.text)


@pytest.mark.django_db
def test_login_page_offers_single_sign_on_only_when_configured(client, settings, sso):
    assert "Sign in with single sign-on" in client.get(LOGIN).text
    settings.OIDC_ISSUER = ""
    assert "single sign-on" not in client.get(LOGIN).text
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK).status_code == 404


@pytest.mark.django_db
def test_first_sign_in_creates_an_owner_account(client, sso):
    response = sign_in(client, sso, email="Newcomer@Example.com", name="Nell Newcomer")

    assert response.status_code == 302
    assert response["Location"] == "/sites/"
    user = User.objects.get(email="newcomer@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.name == "Nell Newcomer"
    assert user.is_staff and user.groups.filter(name="Site owners").exists()
    assert not user.has_usable_password()
    assert client.get("/sites/").status_code == 200


@pytest.mark.django_db
def test_sign_in_reaches_the_existing_account_and_follows_next(client, sso, owner):
    response = sign_in(client, sso, email="OWNER@example.com", next_page="/accounts/")

    assert response["Location"] == "/accounts/"
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_next_off_this_host_is_ignored(client, sso, owner):
    response = sign_in(client, sso, email=owner.email, next_page="https://evil.example/")
    assert response["Location"] == "/sites/"


@pytest.mark.django_db
def test_without_account_creation_an_unknown_email_is_refused(client, settings, sso):
    settings.OIDC_CREATE_USERS = False

    message = refusal(client, sign_in(client, sso, email="stranger@example.com"))

    assert "No account uses stranger@example.com" in message
    assert not User.objects.filter(email="stranger@example.com").exists()


@pytest.mark.django_db
def test_without_account_creation_an_invited_email_gets_its_account(
    client, settings, sso, owner, site
):
    settings.OIDC_CREATE_USERS = False
    Invitation.objects.create(
        site=site,
        email="guest@example.com",
        token="t" * 40,
        invited_by=owner,
        expires_at=timezone.now() + timedelta(days=7),
    )

    response = sign_in(client, sso, email="guest@example.com")

    assert response["Location"] == "/sites/"
    assert User.objects.filter(email="guest@example.com").exists()


@pytest.mark.django_db
def test_without_account_creation_an_expired_invitation_is_not_enough(
    client, settings, sso, owner, site
):
    settings.OIDC_CREATE_USERS = False
    Invitation.objects.create(
        site=site,
        email="late@example.com",
        token="l" * 40,
        invited_by=owner,
        expires_at=timezone.now() - timedelta(minutes=1),
    )

    assert "No account uses" in refusal(client, sign_in(client, sso, email="late@example.com"))
    assert not User.objects.filter(email="late@example.com").exists()


@pytest.mark.django_db
def test_without_account_creation_an_existing_account_signs_in(client, settings, sso, owner):
    settings.OIDC_CREATE_USERS = False
    sign_in(client, sso, email=owner.email)
    assert client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.django_db
def test_a_domain_outside_the_allowed_ones_is_refused(client, settings, sso, owner):
    settings.OIDC_ALLOWED_DOMAINS = ["corp.example", "example.org"]

    message = refusal(client, sign_in(client, sso, email=owner.email))

    assert "Accounts at example.com can't sign in here" in message
    sign_in(client, sso, email="staff@corp.example")
    assert User.objects.filter(email="staff@corp.example").exists()


@pytest.mark.django_db
def test_an_unverified_email_is_refused(client, sso, owner):
    message = refusal(client, sign_in(client, sso, email=owner.email, email_verified=False))
    assert "not verified your email" in message


@pytest.mark.parametrize(
    ("flaw", "words"),
    [
        ("wrong_audience", "meant for another application"),
        ("bad_signature", "signature that doesn't verify"),
        ("expired", "has expired"),
        ("wrong_issuer", "came from another issuer"),
    ],
)
@pytest.mark.django_db
def test_a_flawed_id_token_is_refused(client, sso, owner, flaw, words):
    message = refusal(client, sign_in(client, sso, email=owner.email, flaw=flaw))
    assert words in message
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_state_this_session_did_not_start_is_refused(client, sso, owner):
    sso.next_login(email=owner.email)
    callback = to_provider(client)
    query = parse_qs(urlsplit(callback).query)

    forged = client.get(f"{CALLBACK}?code={query['code'][0]}&state=forged-state")

    assert "was not started here" in refusal(client, forged)


@pytest.mark.django_db
def test_a_callback_in_another_browser_is_refused(client, sso, owner):
    sso.next_login(email=owner.email)
    callback = to_provider(client)

    elsewhere = client.__class__()
    assert "was not started here" in refusal(elsewhere, elsewhere.get(callback))
    # In the browser that started it, it works once; replayed, its state is spent.
    assert client.get(callback)["Location"] == "/sites/"
    client.post("/accounts/logout/")
    assert "was not started here" in refusal(client, client.get(callback))


@pytest.mark.django_db
def test_the_provider_declining_lands_on_the_login_page(client, sso):
    to_provider(client)
    state = next(iter(client.session["oidc_states"]))

    response = client.get(f"{CALLBACK}?error=access_denied&state={state}")

    assert "did not sign you in" in refusal(client, response)


@pytest.mark.django_db
def test_an_unreachable_provider_is_a_message_not_an_error(client, settings, sso):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens

    response = client.get(START)

    assert "can't be reached" in refusal(client, response)


@pytest.mark.django_db
def test_password_logins_work_while_the_provider_is_unreachable(
    client, settings, sso, owner, password
):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    response = client.post(LOGIN, {"username": owner.email, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.django_db
def test_a_single_sign_on_session_is_not_asked_for_a_two_factor_code(
    client, settings, sso, owner, password
):
    TOTPDevice.objects.create(user=owner, name="Authenticator app", confirmed=True)
    settings.REQUIRE_2FA = True

    sign_in(client, sso, email=owner.email)

    assert client.get("/sites/").status_code == 200
    assert client.get("/api/v1/sites/").status_code == 200
    # the same account with its password still needs the code
    other = client.__class__()
    other.post(LOGIN, {"username": owner.email, "password": password})
    assert other.get("/sites/")["Location"].startswith("/accounts/two-factor/")


@pytest.mark.django_db
def test_an_inactive_account_can_not_sign_in(client, sso, owner):
    owner.is_active = False
    owner.save()
    assert "can't sign in" in refusal(client, sign_in(client, sso, email=owner.email))


@pytest.mark.django_db
def test_discovery_is_fetched_once_and_cached(client, sso, owner, monkeypatch):
    sign_in(client, sso, email=owner.email)
    calls = []
    original = requests.get

    def counting_get(url, *args, **kwargs):
        calls.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(requests, "get", counting_get)
    client.post("/accounts/logout/")
    sign_in(client, sso, email=owner.email)

    assert not [url for url in calls if url.endswith("/.well-known/openid-configuration")]
    assert client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.django_db
def test_two_first_sign_ins_at_once_share_one_account(client, sso, monkeypatch):
    # The other tab's sign-in makes the account between this one's check and its insert.
    from accounts import sso_backend
    from accounts.services import user_register

    def allowed_then_the_other_tab(**kwargs):
        user_register(email="twice@example.com", password=None, name="Other tab")
        return True

    monkeypatch.setattr(sso_backend, "signup_allowed", allowed_then_the_other_tab)
    response = sign_in(client, sso, email="twice@example.com", name="Twice")
    assert response.status_code == 302
    assert response["Location"] == "/sites/"
    assert User.objects.filter(email="twice@example.com").count() == 1
    assert client.session["_auth_user_id"] == str(User.objects.get(email="twice@example.com").pk)
