"""What two-factor login guards beyond the pages: the admin, the session API (tokens are not
asked), the django-axes lockout for wrong codes, and REQUIRE_2FA for staff."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.two_factor_steps import (
    ADDRESS,
    CODE_PAGE,
    DISABLE,
    LOGOUT,
    NEW_CODES,
    SETUP,
    enter,
    log_in,
    next_step,
    set_up,
)
from accounts.two_factor_models import RecoveryCode
from api.services import token_create

pytestmark = pytest.mark.django_db
EMAIL = "owner@example.com"


def wrong(app) -> str:
    """A code no step near now accepts (the check allows the steps beside the current one)."""
    import time

    now = time.time()
    near = {app.at(now + steps * app.interval) for steps in range(-3, 4)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def test_the_admin_needs_the_code(client, superuser, password, clock):
    client.force_login(superuser)
    app, _ = set_up(client)
    client.post(LOGOUT)

    assert log_in(client, superuser.email, password, path="/admin/login/").status_code == 302
    for path in ("/admin/", "/admin/accounts/user/", "/admin/sites/site/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{CODE_PAGE}?next=")
    next_step(clock)
    assert enter(client, app.now(), next_page="/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_the_session_api_needs_the_code_and_tokens_do_not(client, owner, password, site, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    assert client.get("/api/v1/sites/").status_code == 200
    client.post(LOGOUT)

    log_in(client, EMAIL, password)
    refused = client.get("/api/v1/sites/")
    assert refused.status_code == 401
    assert "two-factor" in refused.json()["detail"]

    _, plain = token_create(owner=owner, name="script")
    with_token = client.get("/api/v1/sites/", headers={"authorization": f"Bearer {plain}"})
    assert with_token.status_code == 200
    assert [row["id"] for row in with_token.json()] == [site.pk]

    next_step(clock)
    enter(client, app.now())
    assert client.get("/api/v1/sites/").status_code == 200


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, owner, password, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    client.post(LOGOUT)
    log_in(client, EMAIL, password)

    for _ in range(4):
        next_step(clock)  # past django-otp's throttle: each is a real guess
        assert enter(client, wrong(app)).status_code == 200
    next_step(clock)
    locked = enter(client, wrong(app))
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == EMAIL

    # Neither the right password nor, after it, the right code gets in now.
    assert log_in(client, EMAIL, password).status_code == 429
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_and_codes_on_the_turn_off_pages_count_too(client, owner, password, clock):
    """A session left open is no way round the lockout: guessing the password (or a code) on
    the pages that turn two-factor off or renew its codes counts like a wrong login."""
    client.force_login(owner)
    app, _ = set_up(client)

    def post(path, data):
        return client.post(path, data, REMOTE_ADDR=ADDRESS)

    assert post(NEW_CODES, {"password": "guess 1"}).status_code == 200
    assert post(DISABLE, {"password": "guess 2", "code": app.now()}).status_code == 200
    for _ in range(2):
        next_step(clock)
        wrong_code = post(DISABLE, {"password": password, "code": wrong(app)})
        assert "That code is not right" in wrong_code.content.decode()
    assert post(DISABLE, {"password": "", "code": ""}).status_code == 200  # not a guess
    next_step(clock)
    locked = post(NEW_CODES, {"password": "guess 3"})
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert TOTPDevice.objects.filter(user=owner).exists()
    assert log_in(client, EMAIL, password).status_code == 429


def test_a_right_password_does_not_clear_wrong_codes(client, owner, password, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    client.post(LOGOUT)
    log_in(client, EMAIL, "wrong password")
    log_in(client, EMAIL, password)
    for _ in range(2):
        next_step(clock)
        enter(client, wrong(app))
    client.post(LOGOUT)

    log_in(client, EMAIL, password)  # logging in again buys no fresh guesses
    next_step(clock)
    assert enter(client, wrong(app)).status_code == 200
    next_step(clock)
    assert enter(client, wrong(app)).status_code == 429
    assert log_in(client, EMAIL, password).status_code == 429


def test_a_right_code_clears_the_failures(client, owner, password, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    client.post(LOGOUT)
    log_in(client, EMAIL, password)
    for _ in range(3):
        next_step(clock)
        enter(client, wrong(app))
    next_step(clock)
    assert enter(client, app.now()).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_require_2fa_sends_staff_to_set_up_first(client, owner, password, site, settings, clock):
    settings.REQUIRE_2FA = True
    assert log_in(client, EMAIL, password).status_code == 302
    for path in ("/sites/", "/admin/", "/accounts/", CODE_PAGE):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{SETUP}?next="), path
    refused = client.get("/api/v1/sites/")
    assert refused.status_code == 401
    assert "must set up two-factor login" in refused.json()["detail"]
    page = client.get(SETUP).content.decode()
    assert "asks every admin account for two-factor login" in page

    app, codes = set_up(client)
    assert len(codes) == 10
    assert client.get("/sites/").status_code == 200
    client.post(LOGOUT)

    log_in(client, EMAIL, password)
    assert client.get("/sites/")["Location"].startswith(f"{CODE_PAGE}?next=")
    next_step(clock)
    enter(client, app.now())
    assert client.get("/admin/").status_code == 200


def test_require_2fa_leaves_non_staff_accounts_alone(client, settings):
    settings.REQUIRE_2FA = True
    get_user_model().objects.create_user(email="plain@example.com", password="a long passphrase 1")
    log_in(client, "plain@example.com", "a long passphrase 1")
    assert client.get("/sites/").status_code == 200


def test_require_2fa_is_off_by_default(owner_client, settings):
    assert settings.REQUIRE_2FA is False
    assert owner_client.get("/admin/").status_code == 200


def test_a_superuser_turns_it_off_for_someone_in_the_admin(client, owner, superuser, clock):
    client.force_login(owner)
    set_up(client)
    device = TOTPDevice.objects.get(user=owner)
    client.force_login(superuser)
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert owner.email in listing
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page  # the secret is never shown
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403

    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
