"""Brute force against the login, and sign-ups in bulk, are refused with a clear 429."""

from datetime import UTC, datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.cache import cache

LOGIN = "/accounts/login/"
pytestmark = pytest.mark.django_db


def attempt(client, password, email="owner@example.com", address="81.2.69.142"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_for_that_address(client, owner, password):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode()

    # The right password does not unlock early, in any letter case.
    assert attempt(client, password).status_code == 429
    assert attempt(client, password, email="OWNER@example.com").status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_ipv6_network_is_locked_out_as_one_client(client, owner):
    # Moving to another address of the same /64 does not buy fresh guesses.
    for number in range(1, 6):
        attempt(client, "wrong", address=f"2001:db8:1:2::{number:x}")
    assert attempt(client, "wrong", address="2001:db8:1:2::99").status_code == 429
    assert attempt(client, "wrong", address="2001:db8:1:3::1").status_code == 200


def test_lockout_ends_after_the_cool_off(client, owner, password, settings):
    for _ in range(5):
        attempt(client, "wrong")
    with time_machine.travel(datetime.now(UTC) + settings.AXES_COOLOFF_TIME * 1.1, tick=False):
        response = attempt(client, password)
    assert response.status_code == 302


def test_lockout_is_per_account_and_address(client, owner, other_owner, password):
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, password, address="175.16.199.7").status_code == 302
    client.logout()
    assert attempt(client, password, email="other@example.org").status_code == 302


def test_attempts_are_recorded_without_the_address(client, owner):
    attempt(client, "wrong", address="81.2.69.142")
    recorded = AccessAttempt.objects.get()
    assert recorded.username == "owner@example.com"
    assert recorded.ip_address != "81.2.69.142"
    assert recorded.ip_address.startswith("fd")


def test_admin_login_is_protected_too(client, superuser):
    for _ in range(5):
        client.post("/admin/login/", {"username": superuser.email, "password": "wrong"})
    response = client.post(
        "/admin/login/", {"username": superuser.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 429


def test_registration_is_rate_limited_per_address(client, settings):
    settings.REGISTER_RATE_LIMIT = "3/h"
    cache.clear()
    statuses = []
    for number in range(5):
        response = client.post(
            "/accounts/register/",
            {
                "email": f"new{number}@example.com",
                "password1": "a long passphrase 123",
                "password2": "a long passphrase 123",
            },
            REMOTE_ADDR="81.2.69.142",
        )
        statuses.append(response.status_code)
        client.logout()
    assert statuses == [302, 302, 302, 429, 429]
    assert "Too many accounts were created from your address" in response.content.decode()
    other = client.post(
        "/accounts/register/",
        {
            "email": "elsewhere@example.com",
            "password1": "a long passphrase 123",
            "password2": "a long passphrase 123",
        },
        REMOTE_ADDR="175.16.199.7",
    )
    assert other.status_code == 302
