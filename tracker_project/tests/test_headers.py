"""Security headers on every HTML page, the admin included."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/login/", "/accounts/register/"]
OWNER_PAGES = [
    "/sites/",
    "/sites/new/",
    "/sites/{pk}/",
    "/sites/{pk}/stats/",
    "/accounts/",
    "/admin/",
    "/admin/sites/site/",
    "/admin/sites/site/{pk}/change/",
]


def check_headers(response):
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_have_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    check_headers(response)


@pytest.mark.parametrize("url", OWNER_PAGES)
def test_owner_pages_and_admin_have_security_headers(owner_client, site, url):
    response = owner_client.get(url.format(pk=site.pk))
    assert response.status_code == 200
    check_headers(response)


def test_no_inline_scripts_on_our_pages(owner_client, site):
    for url in ("/", "/sites/", f"/sites/{site.pk}/", f"/sites/{site.pk}/stats/", "/accounts/"):
        body = owner_client.get(url).content.decode()
        assert "<script>" not in body
        assert "onclick=" not in body and "style=" not in body, url


def test_https_mode_sets_hsts_secure_cookies_and_redirects(client, settings, owner, password):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    assert client.get("/accounts/login/").status_code == 301
    response = client.post(
        "/accounts/login/", {"username": owner.email, "password": password}, secure=True
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]
    assert "max-age=31536000" in client.get("/", secure=True)["Strict-Transport-Security"]
