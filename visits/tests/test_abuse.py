"""The beacon holds against floods, foreign pages and a failing cache."""

import logging
import uuid

import pytest
from django.core.cache import cache

from sites.services import site_update
from visits.models import Visit

pytestmark = pytest.mark.django_db
PAGE = "https://blog.example.com/post"


@pytest.fixture
def limited(settings):
    settings.BEACON_RATE_LIMIT = "5/h"
    cache.clear()
    yield
    cache.clear()


def test_rate_limit_per_address_answers_429_json(send, limited):
    statuses = [send(data={"url": PAGE}).status_code for _ in range(7)]
    assert statuses == [204] * 5 + [429] * 2
    response = send(data={"url": PAGE})
    assert response.json() == {"error": "Too many visits from your address; slow down."}
    assert response["Retry-After"] == "60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert Visit.objects.count() == 5


def test_other_addresses_are_still_counted(send, limited):
    for _ in range(6):
        send(data={"url": PAGE}, REMOTE_ADDR="81.2.69.142")
    assert send(data={"url": PAGE}, REMOTE_ADDR="175.16.199.7").status_code == 204


def test_an_ipv6_network_is_counted_as_one_client(send, limited):
    # Every address of one /64 belongs to one subscriber; another /64 is someone else.
    statuses = [
        send(data={"url": PAGE}, REMOTE_ADDR=f"2001:db8:1:2::{number:x}").status_code
        for number in range(1, 8)
    ]
    assert statuses == [204] * 5 + [429] * 2
    assert send(data={"url": PAGE}, REMOTE_ADDR="2001:db8:1:3::1").status_code == 204


def test_rate_limit_counts_the_forwarded_client_behind_a_proxy(send, limited, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        send(data={"url": PAGE}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="81.2.69.142")
    assert (
        send(
            data={"url": PAGE}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="81.2.69.142"
        ).status_code
        == 429
    )
    assert (
        send(
            data={"url": PAGE}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="175.16.199.7"
        ).status_code
        == 204
    )


def test_redis_outage_lets_visits_through_with_a_warning(send, settings, caplog):
    settings.BEACON_RATE_LIMIT = "5/h"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with caplog.at_level(logging.WARNING):
        response = send(data={"url": PAGE})
    assert response.status_code == 204
    assert Visit.objects.count() == 1
    assert "Rate limit beacon not applied" in caplog.text


def test_rate_limit_works_on_redis(send, settings):
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis on 127.0.0.1:6379 is part of this project's test environment")
    settings.BEACON_RATE_LIMIT = "3/h"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"tracker-test-{uuid.uuid4().hex}",
        }
    }
    statuses = [send(data={"url": PAGE}).status_code for _ in range(4)]
    assert statuses == [204, 204, 204, 429]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/page",
        "https://blog.example.com.evil.example/",
        "https://example.com/",
        "http://localhost:8000/",
        "http://127.0.0.1/",
    ],
)
def test_pages_off_the_sites_domains_are_refused(send, url):
    response = send(data={"url": url})
    assert response.status_code == 400
    assert response.json() == {"error": "This page is not on the site's domains."}
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example.com/x",
        "http://blog.example.com:8080/x",
        "https://www.blog.example.com/",
        "https://en.blog.example.com/x",
        "https://BLOG.EXAMPLE.COM/x",
    ],
)
def test_pages_on_the_sites_domain_and_subdomains_are_counted(send, url):
    assert send(data={"url": url}).status_code == 204


def test_extra_domains_and_localhost_when_ticked(send, site):
    assert send(data={"url": "https://shop.example.net/"}).status_code == 400
    assert send(data={"url": "http://localhost:3000/"}).status_code == 400
    site_update(
        site=site,
        extra_domains="https://shop.example.net/cart\nother.example",
        allow_localhost=True,
    )
    assert site.extra_domains == "shop.example.net\nother.example"
    assert send(data={"url": "https://shop.example.net/"}).status_code == 204
    assert send(data={"url": "https://other.example/"}).status_code == 204
    assert send(data={"url": "http://localhost:3000/"}).status_code == 204
    assert send(data={"url": "http://127.0.0.1:3000/"}).status_code == 204
    assert Visit.objects.count() == 4


def test_extra_domains_form_validation(owner_client, site):
    response = owner_client.post(
        f"/sites/{site.pk}/edit/",
        {
            "name": "Blog",
            "base_url": "https://blog.example.com",
            "timezone": "UTC",
            "extra_domains": "not a domain! http://[::1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["extra_domains"]


def test_body_cap(client, beacon_url):
    response = client.post(beacon_url, b"{" + b" " * 70_000 + b"}", content_type="application/json")
    assert response.status_code == 413
    assert not Visit.objects.exists()
