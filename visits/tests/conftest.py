import pytest

from sites.funnel_services import funnel_create

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@pytest.fixture
def beacon_url(site):
    return f"/sites/{site.pk}/visit"


@pytest.fixture
def send(client, beacon_url):
    """Call the beacon like a browser would: a real user agent and a public address."""

    def _send(method="get", data=None, path=None, **extra):
        extra.setdefault("HTTP_USER_AGENT", BROWSER_UA)
        extra.setdefault("REMOTE_ADDR", "81.2.69.142")
        return getattr(client, method)(path or beacon_url, data, **extra)

    return _send


@pytest.fixture
def signup_funnel(site):
    """Three steps: the home page, the pricing page, a signup event."""
    return funnel_create(
        site=site,
        name="Signup",
        steps=[
            {"kind": "page", "value": "/"},
            {"kind": "page", "value": "/pricing"},
            {"kind": "event", "value": "signup"},
        ],
    )
