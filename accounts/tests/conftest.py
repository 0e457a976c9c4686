import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
import time_machine
from django.core.cache import cache


@pytest.fixture
def clock():
    """A still clock for two-factor tests: codes change only when a test moves it."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def oidc_provider():
    """The test OpenID provider (oidc_provider.py) in its own process on 127.0.0.1."""
    script = Path(__file__).with_name("oidc_provider.py")
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        issuer = process.stdout.readline().strip()
        assert issuer.startswith("http://127.0.0.1:"), issuer
        yield TestProvider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


class TestProvider:
    __test__ = False  # not a test class, despite the name

    client_id = "tracker-tests"
    client_secret = "tracker-tests-secret"

    def __init__(self, issuer: str):
        self.issuer = issuer

    def next_login(self, *, email: str, flaw: str = "", **claims) -> None:
        """Who the provider signs in at its next authorization, and how it spoils the token."""
        body = {"email": email, "flaw": flaw, **claims}
        requests.post(f"{self.issuer}/next-login", json=body, timeout=5).raise_for_status()


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on on, against the test provider, with a fresh discovery cache."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_CLIENT_SECRET = oidc_provider.client_secret
    settings.OIDC_ALLOWED_DOMAINS = []
    settings.OIDC_CREATE_USERS = True
    cache.clear()
    yield oidc_provider
    cache.clear()
