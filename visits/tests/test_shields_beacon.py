"""Shields through the beacon and the API's events: a matching hit is answered 204 and leaves
nothing behind; one beside it is stored as usual."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.models import SCOPES
from api.services import token_create
from sites.services import site_update
from visits.models import Visit
from visits.tests.geoip_data import BERLIN_V6, CHANGCHUN_V4, LONDON_V4

PAGE = "https://blog.example.com/post/1"
pytestmark = pytest.mark.django_db


def shield(site, **rules):
    return site_update(site=site, **rules)


def skipped(response) -> str:
    assert response.status_code == 204
    return response.get("X-Visit-Skipped", "")


@pytest.mark.parametrize(
    ("rule", "inside", "outside"),
    [
        ("203.0.113.0/24", "203.0.113.77", "203.0.114.1"),
        ("198.51.100.7", "198.51.100.7", "198.51.100.8"),
        ("2001:db8:42::/48", "2001:db8:42:1::9", "2001:db8:43::1"),
        ("2001:db8::1", "2001:db8::1", "2001:db8::2"),
    ],
)
def test_an_address_in_an_excluded_range_is_answered_and_not_stored(
    send, site, rule, inside, outside
):
    shield(site, excluded_ips=rule)

    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR=inside)) == "shield"
    assert not Visit.objects.exists()

    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR=outside)) == ""
    assert Visit.objects.count() == 1


def test_an_ipv4_mapped_ipv6_client_is_its_ipv4_address(send, site):
    shield(site, excluded_ips="203.0.113.0/24")
    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR="::ffff:203.0.113.5")) == "shield"
    assert not Visit.objects.exists()


def test_the_address_behind_a_trusted_proxy_is_the_one_compared(send, site, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    shield(site, excluded_ips="203.0.113.0/24")
    office = send(data={"url": PAGE}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert skipped(office) == "shield"
    # An address a client writes left of the proxy's is not believed, either way.
    forged = send(
        data={"url": PAGE},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 81.2.69.142",
    )
    assert skipped(forged) == ""
    assert Visit.objects.count() == 1


def test_nothing_of_a_shielded_address_is_kept(send, site):
    shield(site, excluded_ips="203.0.113.0/24")
    send(data={"url": PAGE}, REMOTE_ADDR="203.0.113.77")
    send(data={"url": PAGE}, REMOTE_ADDR="81.2.69.142")

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert "203.0.113.77" not in dump.getvalue()
    assert "203.0.113.0/24" in dump.getvalue()  # the owner's rule itself is kept
    assert Visit.objects.count() == 1


def test_an_excluded_country_is_answered_and_not_stored(send, site, geoip_dir):
    shield(site, excluded_countries="cn, de")

    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR=CHANGCHUN_V4)) == "shield"
    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR=BERLIN_V6)) == "shield"
    assert not Visit.objects.exists()

    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR=LONDON_V4)) == ""
    assert Visit.objects.get().country_code == "GB"


def test_an_unlocated_address_passes_a_country_shield(send, site, geoip_dir):
    shield(site, excluded_countries="GB")
    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR="8.8.8.8")) == ""
    assert Visit.objects.get().country_code == ""


@pytest.mark.parametrize(
    ("url", "shielded"),
    [
        ("https://blog.example.com/admin/", True),
        ("https://blog.example.com/admin/users/4?tab=x", True),
        ("https://blog.example.com/preview", True),
        ("https://blog.example.com/drafts/2026/01/edit", True),
        ("https://blog.example.com/admin", False),
        ("https://blog.example.com/preview/1", False),
        ("https://blog.example.com/drafts/2026/01/view", False),
        ("https://blog.example.com/post/admin/", False),
    ],
)
def test_excluded_paths_with_wildcards(send, site, url, shielded):
    shield(site, excluded_paths="/admin/*\n/preview\n/drafts/*/edit")
    assert skipped(send(data={"url": url})) == ("shield" if shielded else "")
    assert Visit.objects.count() == (0 if shielded else 1)


@pytest.mark.parametrize(
    ("url", "shielded"),
    [
        ("https://staging.blog.example.com/post/1", True),
        ("https://STAGING.blog.example.com/post/1", True),
        ("https://pr-12.preview.blog.example.com/", True),
        ("https://blog.example.com/post/1", False),
        ("https://www.blog.example.com/post/1", False),
    ],
)
def test_excluded_hostnames(send, site, url, shielded):
    shield(site, excluded_hostnames="staging.blog.example.com\n*.preview.blog.example.com")
    assert skipped(send(data={"url": url})) == ("shield" if shielded else "")
    assert Visit.objects.count() == (0 if shielded else 1)


def test_a_page_off_the_site_is_still_refused_before_shields(send, site):
    shield(site, excluded_paths="/*")
    response = send(data={"url": "https://elsewhere.example/post/1"})
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_a_change_to_the_shields_reaches_the_beacon_at_once(send, site):
    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR="203.0.113.1")) == ""
    shield(site, excluded_ips="203.0.113.0/24")
    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR="203.0.113.1")) == "shield"
    shield(site, excluded_ips="")
    assert skipped(send(data={"url": PAGE}, REMOTE_ADDR="203.0.113.1")) == ""
    assert Visit.objects.count() == 2


def test_the_shields_cost_no_query_once_the_site_is_cached(send, site):
    shield(
        site,
        excluded_ips="203.0.113.0/24",
        excluded_paths="/admin/*",
        excluded_hostnames="staging.blog.example.com",
    )
    send(data={"url": PAGE}, REMOTE_ADDR="203.0.113.1")  # caches the site
    with CaptureQueriesContext(connection) as queries:
        assert skipped(send(data={"url": PAGE}, REMOTE_ADDR="203.0.113.2")) == "shield"
        assert skipped(send(data={"url": "https://staging.blog.example.com/"})) == "shield"
    assert queries.captured_queries == []


def test_events_sent_through_the_api_honour_the_shields(site, owner):
    shield(site, excluded_ips="203.0.113.0/24", excluded_paths="/admin/*")
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_create(owner=owner, name='s', scopes=tuple(SCOPES))[1]}"
    )
    agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0.0.0 Safari/537.36"

    def event(**data):
        response = client.post(
            f"/api/v1/sites/{site.pk}/events/",
            {"url": PAGE, "user_agent": agent, "event": "signup", **data},
            format="json",
        )
        assert response.status_code == 202
        return response.json()

    assert event(ip="203.0.113.8") == {"stored": False, "skipped": "shield"}
    assert event(url="https://blog.example.com/admin/x") == {"stored": False, "skipped": "shield"}
    assert event(ip="81.2.69.142") == {"stored": True, "skipped": ""}
    assert Visit.objects.count() == 1
