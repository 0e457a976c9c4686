"""Two-factor login through the pages, with real TOTP codes from pyotp: set-up, the code after
the password, recovery codes, new codes and turning it off."""

import hashlib

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.two_factor_steps import (
    CODE_PAGE,
    DISABLE,
    LOGOUT,
    NEW_CODES,
    SETUP,
    codes_on,
    enter,
    log_in,
    next_step,
    secret_on,
    set_up,
)
from accounts.two_factor_models import RecoveryCode

pytestmark = pytest.mark.django_db
EMAIL = "owner@example.com"


def test_setup_draws_the_qr_code_here_and_needs_a_code(owner_client, owner, clock):
    page = owner_client.get(SETUP)
    body = page.content.decode()
    assert page.status_code == 200
    secret = secret_on(body)
    assert f"otpauth://totp/Tracker%3Aowner%40example.com?secret={secret}" in body
    assert "&amp;issuer=Tracker" in body
    assert '<svg width="' in body and 'class="qr"' in body  # drawn inline, not fetched
    assert "<img" not in body and 'src="http' not in body
    # Reloading keeps the secret the app may already have scanned.
    assert secret_on(owner_client.get(SETUP).content.decode()) == secret

    app = pyotp.TOTP(secret)
    wrong = owner_client.post(SETUP, {"code": "000000" if app.now() != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    done = owner_client.post(SETUP, {"code": app.now()})
    assert done.status_code == 200
    assert done["Cache-Control"] == "no-store"
    codes = codes_on(done.content.decode())
    assert len(codes) == len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=owner)
    assert device.confirmed
    # The session that set it up has passed the second step.
    assert owner_client.get("/sites/").status_code == 200
    account = owner_client.get("/accounts/").content.decode()
    assert "10 recovery codes left" in account
    assert owner_client.get(SETUP)["Location"] == "/accounts/"


def test_recovery_codes_are_stored_only_as_hashes(owner_client, owner, clock):
    _, codes = set_up(owner_client)
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10
    plain = {code.replace("-", "") for code in codes}
    assert stored == {hashlib.sha256(code.encode()).hexdigest() for code in plain}
    for row in RecoveryCode.objects.values():
        assert not {str(value) for value in row.values()} & (plain | set(codes))


def test_login_asks_for_a_code_once_it_is_on(client, owner, password, site, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    client.post(LOGOUT)

    assert log_in(client, EMAIL, password).status_code == 302
    # Logged in with the password only: every page leads to the code page.
    pages = ("/", "/sites/", "/accounts/", f"/sites/{site.pk}/stats/", "/accounts/tokens/new/")
    for path in (*pages, SETUP, DISABLE, NEW_CODES):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{CODE_PAGE}?next={path.replace('/', '%2F')}"
    assert client.get(CODE_PAGE).status_code == 200

    wrong = enter(client, "123456" if app.now() != "123456" else "654321")
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/sites/").status_code == 302

    next_step(clock)
    passed = enter(client, app.now(), next_page=f"/sites/{site.pk}/stats/")
    assert passed.status_code == 302
    assert passed["Location"] == f"/sites/{site.pk}/stats/"
    assert client.get("/sites/").status_code == 200
    assert client.get(CODE_PAGE)["Location"] == "/sites/"


def test_each_code_logs_in_once(client, owner, password, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    client.post(LOGOUT)
    next_step(clock)
    code = app.now()
    log_in(client, EMAIL, password)
    assert enter(client, code).status_code == 302
    client.post(LOGOUT)

    log_in(client, EMAIL, password)
    clock.shift(2)  # past the throttle, still the same code
    assert "That code is not right" in enter(client, code).content.decode()
    assert client.get("/sites/").status_code == 302


def test_wrong_codes_make_the_next_one_wait(client, owner, password, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    client.post(LOGOUT)
    log_in(client, EMAIL, password)
    next_step(clock)
    enter(client, "000000" if app.now() != "000000" else "111111")
    hurried = enter(client, app.now())
    assert "wait a few seconds" in hurried.content.decode()
    clock.shift(1.5)
    assert enter(client, app.now()).status_code == 302


def test_a_recovery_code_logs_in_once(client, owner, password, clock):
    client.force_login(owner)
    _, codes = set_up(client)
    client.post(LOGOUT)

    log_in(client, EMAIL, password)
    assert enter(client, codes[3].upper().replace("-", " ")).status_code == 302
    assert client.get("/sites/").status_code == 200
    assert "9 recovery codes left" in client.get("/accounts/").content.decode()
    client.post(LOGOUT)

    log_in(client, EMAIL, password)
    assert "That code is not right" in enter(client, codes[3]).content.decode()
    assert client.get("/sites/").status_code == 302
    assert enter(client, codes[4]).status_code == 302


def test_new_recovery_codes_need_the_password_and_replace_the_old(client, owner, password, clock):
    client.force_login(owner)
    _, old = set_up(client)
    assert "not your password" in client.post(NEW_CODES, {"password": "nope"}).content.decode()
    response = client.post(NEW_CODES, {"password": password})
    new = codes_on(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.post(LOGOUT)

    log_in(client, EMAIL, password)
    assert enter(client, old[0]).status_code == 200
    assert enter(client, new[0]).status_code == 302


def test_turning_it_off_needs_the_password_and_a_current_code(client, owner, password, clock):
    client.force_login(owner)
    app, _ = set_up(client)
    next_step(clock)

    no_password = client.post(DISABLE, {"password": "wrong", "code": app.now()})
    assert "That is not your password." in no_password.content.decode()
    wrong_code = "000000" if app.now() != "000000" else "111111"
    no_code = client.post(DISABLE, {"password": password, "code": wrong_code})
    assert "That code is not right" in no_code.content.decode()
    assert TOTPDevice.objects.filter(user=owner).exists()

    clock.shift(2)  # past the throttle of that wrong code
    done = client.post(DISABLE, {"password": password, "code": app.now()})
    assert done.status_code == 302
    assert not TOTPDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    client.post(LOGOUT)

    assert log_in(client, EMAIL, password).status_code == 302
    assert client.get("/sites/").status_code == 200


def test_pages_of_two_factor_need_a_login(client):
    for path in (CODE_PAGE, SETUP, DISABLE, NEW_CODES):
        assert client.get(path)["Location"].startswith("/accounts/login/?next="), path


def test_without_two_factor_nothing_changes(owner_client):
    assert owner_client.get("/sites/").status_code == 200
    assert owner_client.get(CODE_PAGE)["Location"] == "/sites/"
    assert owner_client.get(DISABLE)["Location"] == "/accounts/"
    assert "Set up two-factor login" in owner_client.get("/accounts/").content.decode()


def test_an_unverified_session_can_log_out(client, owner, password, clock):
    client.force_login(owner)
    set_up(client)
    client.post(LOGOUT)
    log_in(client, EMAIL, password)
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
