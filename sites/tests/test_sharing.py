"""Shared dashboards: a secret link opens one site's dashboard read-only, with or without a
password, until it is revoked; embeds may be framed; nothing else of the owner's opens."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from sites.models import SharedLink, SharedLinkGuess
from sites.services import shared_link_create
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visits(site):
    for hour in (9, 10):
        VisitFactory(
            site=site, timestamp=datetime(2026, 3, 15, hour, tzinfo=UTC), visitor_hash=hour
        )
    return site


def test_owner_makes_lists_and_revokes_links(owner_client, visits):
    page = owner_client.get(f"/sites/{visits.pk}/sharing/")
    assert page.status_code == 200 and b"No shared links yet" in page.content
    response = owner_client.post(f"/sites/{visits.pk}/sharing/", {"name": "Board", "password": ""})
    assert response.status_code == 302
    link = SharedLink.objects.get()
    assert link.name == "Board" and not link.has_password and len(link.token) >= 32
    listing = owner_client.get(f"/sites/{visits.pk}/sharing/").content.decode()
    assert f"http://testserver/share/{link.token}/" in listing

    anonymous = Client()
    assert anonymous.get(f"/share/{link.token}/").status_code == 200
    revoke = owner_client.post(f"/sites/{visits.pk}/sharing/{link.pk}/revoke/")
    assert revoke.status_code == 302
    assert anonymous.get(f"/share/{link.token}/").status_code == 404


def test_shared_dashboard_is_read_only_with_the_sites_figures(visits):
    link = shared_link_create(site=visits)
    response = Client().get(f"/share/{link.token}/", {"period": "day"})
    assert response.status_code == 200
    headline = {label: value for label, value, _ in response.context["headline"]}
    assert headline["Pageviews"] == 2 and headline["Unique visitors"] == 2
    html = response.content.decode()
    # No way into the owner's pages from here, and no live panel (it needs a login).
    for owner_path in (f"/sites/{visits.pk}/visits/", f"/sites/{visits.pk}/goals/", "/live"):
        assert owner_path not in html
    assert response["X-Frame-Options"] == "DENY"
    # Filters work through the shared address.
    filtered = Client().get(f"/share/{link.token}/", {"period": "day", "page": "/nothing"})
    assert {label: v for label, v, _ in filtered.context["headline"]}["Pageviews"] == 0


def test_shared_link_gives_nothing_else(visits):
    link = shared_link_create(site=visits)
    client = Client()
    client.get(f"/share/{link.token}/")
    for path in (f"/sites/{visits.pk}/stats/", f"/sites/{visits.pk}/visits.csv", "/sites/"):
        assert client.get(path).status_code == 302  # to the login page
    assert client.get("/share/not-a-real-token/").status_code == 404


def test_password_protected_link(visits):
    link = shared_link_create(site=visits, password="open sesame 42")
    assert link.password.startswith("argon2") and "sesame" not in link.password
    client = Client()
    locked = client.get(f"/share/{link.token}/")
    assert locked.status_code == 200 and "headline" not in locked.context
    assert b'type="password"' in locked.content
    wrong = client.post(f"/share/{link.token}/", {"password": "guess"})
    assert wrong.status_code == 403 and b"not the password" in wrong.content
    empty = client.post(f"/share/{link.token}/", {"password": ""})
    assert empty.status_code == 403
    right = client.post(f"/share/{link.token}/?period=day", {"password": "open sesame 42"})
    assert right.status_code == 302 and right["Location"] == f"/share/{link.token}/?period=day"
    assert client.get(right["Location"]).context["headline"]
    # Another browser still has to type it.
    assert "headline" not in Client().get(f"/share/{link.token}/").context


def test_password_guessing_is_limited_per_guesser(visits):
    link = shared_link_create(site=visits, password="the right one")
    attacker, audience = Client(REMOTE_ADDR="81.2.69.142"), Client(REMOTE_ADDR="175.16.199.7")
    url = f"/share/{link.token}/"
    statuses = []
    for _ in range(12):
        statuses.append(attacker.post(url, {"password": "wrong"}).status_code)
        cache.clear()  # the count is kept in the database, not in a process's cache
    assert statuses[:10] == [403] * 10 and statuses[10:] == [429, 429]
    assert attacker.post(url, {"password": "the right one"}).status_code == 429
    # The attacker's guesses do not lock out the people the link is for.
    assert audience.post(url, {"password": "the right one"}).status_code == 302
    assert SharedLinkGuess.objects.filter(link=link).count() == 10
    assert not SharedLinkGuess.objects.filter(guesser__contains="81.2.69.142").exists()


def test_many_guessers_together_are_limited_per_link(visits, monkeypatch):
    monkeypatch.setattr("sites.services.GUESSES_PER_LINK", 5)
    link = shared_link_create(site=visits, password="the right one")
    url = f"/share/{link.token}/"
    statuses = [
        Client(REMOTE_ADDR=f"81.2.69.{number}").post(url, {"password": "wrong"}).status_code
        for number in range(1, 8)
    ]
    assert statuses == [403] * 5 + [429] * 2


def test_a_shared_link_password_has_a_minimum_length(owner_client, visits):
    url = f"/sites/{visits.pk}/sharing/"
    response = owner_client.post(url, {"name": "Board", "password": "short"})
    assert response.status_code == 400
    assert "at least 8 characters" in response.content.decode()
    assert not visits.shared_links.exists()
    assert owner_client.post(url, {"name": "Board", "password": "long enough"}).status_code == 302


def test_embed_may_be_framed_and_has_no_site_chrome(visits):
    link = shared_link_create(site=visits)
    response = Client().get(f"/share/{link.token}/embed/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert 'class="topbar"' not in html and "<footer>" not in html
    assert b"Top pages" in response.content


def test_strangers_cannot_manage_another_owners_links(owner_client, other_site):
    link = shared_link_create(site=other_site)
    assert owner_client.get(f"/sites/{other_site.pk}/sharing/").status_code == 404
    assert owner_client.post(f"/sites/{other_site.pk}/sharing/", {"name": "x"}).status_code == 404
    revoke = owner_client.post(f"/sites/{other_site.pk}/sharing/{link.pk}/revoke/")
    assert revoke.status_code == 404
    assert SharedLink.objects.filter(pk=link.pk).exists()
