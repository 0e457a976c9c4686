from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sites.models import Site
from visits.models import Visit


@pytest.mark.django_db
def test_create_redirects_and_site_appears_in_list(owner_client, owner):
    response = owner_client.post(
        "/sites/new/",
        {"name": "Docs", "base_url": "docs.example.com/some/path?x=1", "timezone": "Europe/Berlin"},
    )

    site = Site.objects.get(name="Docs")
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/"
    assert site.owner == owner
    assert site.base_url == "https://docs.example.com"
    assert site.timezone == "Europe/Berlin"
    detail = owner_client.get(response["Location"])
    assert "was added" in detail.content.decode()
    listing = owner_client.get("/sites/").content.decode()
    assert f'href="/sites/{site.pk}/"' in listing
    assert "Docs" in listing


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://example.com",
        "javascript:alert(1)",
        "",
        "https://" + "a" * 2992,
        "http://",
        "https://user:pass@example.com",
        "mailto:me@example.com",
        "https://exa mple.com",
        "http://[::1",
        "https://[not-ipv6]/",
    ],
)
@pytest.mark.django_db
def test_invalid_base_url_is_a_form_error(owner_client, base_url):
    response = owner_client.post(
        "/sites/new/", {"name": "X", "base_url": base_url, "timezone": "UTC"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["base_url"]
    assert 'id="id_base_url_error"' in response.content.decode()
    assert not Site.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("HTTPS://Example.COM/", "https://example.com"),
        ("http://example.com:80/blog", "http://example.com"),
        ("https://example.com:8443", "https://example.com:8443"),
        ("example.com", "https://example.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        # IDNA 2008 with UTS #46, as browsers: ß and ς are letters of their own.
        ("https://straße.de", "https://xn--strae-oqa.de"),
        ("https://ς.gr", "https://xn--3xa.gr"),
        ("https://STRASSE.de.", "https://strasse.de"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
    ],
)
@pytest.mark.django_db
def test_base_url_is_normalised(owner_client, typed, stored):
    owner_client.post("/sites/new/", {"name": "X", "base_url": typed, "timezone": "UTC"})
    assert Site.objects.get().base_url == stored


@pytest.mark.django_db
def test_a_site_with_an_international_name_counts_what_browsers_send(owner_client, client):
    owner_client.post("/sites/new/", {"name": "X", "base_url": "straße.de"})
    site = Site.objects.get()
    beacon = f"/sites/{site.pk}/visit"
    assert client.get(beacon, {"url": "https://xn--strae-oqa.de/"}).status_code == 204
    assert client.get(beacon, {"url": "https://www.straße.de/a"}).status_code == 204
    assert client.get(beacon, {"url": "https://strasse.de/"}).status_code == 400


@pytest.mark.django_db
def test_unknown_timezone_is_a_form_error(owner_client):
    response = owner_client.post(
        "/sites/new/", {"name": "X", "base_url": "https://x.example", "timezone": "Mars/Olympus"}
    )
    assert response.context["form"].errors["timezone"]


@pytest.mark.django_db
def test_empty_list_tells_what_to_do(owner_client):
    body = owner_client.get("/sites/").content.decode()
    assert "No sites yet." in body
    assert 'href="/sites/new/"' in body


@pytest.mark.django_db
def test_list_shows_the_last_30_days_visitors_and_pageviews(owner_client, site):
    page, now = "https://blog.example.com/", timezone.now()
    old = now - timedelta(days=40)
    Visit.objects.bulk_create(
        [
            Visit(site=site, url=page, path="/", visitor_hash=1, timestamp=now),
            Visit(site=site, url=page, path="/", visitor_hash=1, timestamp=now),
            Visit(site=site, url=page, path="/", visitor_hash=2, timestamp=now),
            Visit(site=site, url=page, path="/", visitor_hash=2, event="engagement", timestamp=now),
            Visit(site=site, url=page, path="/", visitor_hash=3, event="signup", timestamp=now),
            Visit(site=site, url=page, path="/", visitor_hash=4, timestamp=old),
        ]
    )
    body = owner_client.get("/sites/").content.decode()
    row = body.split("<tbody>")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]
    # As on the dashboard: visitors 1 to 3 (an event counts its visitor), three pageviews (not
    # the ping, the event or the visit of 40 days ago).
    assert cells == ["3", "3"]
    assert "Visitors" in body and "Pageviews" in body


@pytest.mark.django_db
def test_detail_shows_snippet_with_absolute_urls(owner_client, site):
    body = owner_client.get(f"/sites/{site.pk}/").content.decode()

    beacon = f"http://testserver/sites/{site.pk}/visit"
    assert f"data-endpoint=&quot;{beacon}&quot;" in body
    assert "<script defer" not in body
    assert "http://testserver/static/js/tracker.js" in body
    assert f"&lt;noscript&gt;&lt;img src=&quot;{beacon}&quot;" in body
    assert "No visits yet." in body
    assert "window.tracker.q=window.tracker.q||[]" in body  # the queue comes first
    assert "data-track" not in body.split("snippet-code")[1].split("</code>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "attribute"),
    [
        ("?track=outbound", "data-track=&quot;outbound&quot;"),
        ("?track=downloads&track=outbound", "data-track=&quot;outbound downloads&quot;"),
        ("?track=downloads&track=<script>", "data-track=&quot;downloads&quot;"),
    ],
)
def test_the_snippets_switches_rewrite_it(owner_client, site, query, attribute):
    body = owner_client.get(f"/sites/{site.pk}/{query}").content.decode()
    snippet = body.split('id="snippet-code">')[1].split("</code>")[0]
    assert attribute in snippet
    assert "<script>" not in snippet
    for option in ("outbound", "downloads"):
        checked = f'value="{option}" checked' in body
        assert checked == (option in query)


@pytest.mark.django_db
def test_snippet_honours_proxy_https_header_when_proxy_is_trusted(client, owner, site, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["stats.example.net"]
    client.force_login(owner)
    body = client.get(
        f"/sites/{site.pk}/", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="stats.example.net"
    ).content.decode()
    assert f"https://stats.example.net/sites/{site.pk}/visit" in body
    assert "https://stats.example.net/static/js/tracker.js" in body


@pytest.mark.django_db
def test_edit_renames_site(owner_client, site):
    response = owner_client.post(
        f"/sites/{site.pk}/edit/",
        {"name": "Journal", "base_url": "https://blog.example.com", "timezone": "UTC"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "Journal"


@pytest.mark.django_db
def test_delete_asks_then_deletes_on_post(owner_client, site):
    Visit.objects.create(site=site, url="https://blog.example.com/")
    confirm = owner_client.get(f"/sites/{site.pk}/delete/")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert Site.objects.filter(pk=site.pk).exists()

    response = owner_client.post(f"/sites/{site.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == reverse("sites:list")
    assert not Site.objects.filter(pk=site.pk).exists()
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_pages_need_login(client, site):
    for url in (
        "/sites/",
        "/sites/new/",
        f"/sites/{site.pk}/",
        f"/sites/{site.pk}/edit/",
        f"/sites/{site.pk}/delete/",
        f"/sites/{site.pk}/visits/",
        f"/sites/{site.pk}/visits.csv",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
