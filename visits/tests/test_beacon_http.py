"""The beacon through HTTP: every line of the contract."""

import json
from urllib.parse import urlencode

import pytest

from visits.models import Visit
from visits.tests.conftest import BROWSER_UA
from visits.tests.geoip_data import CHANGCHUN_V4, LONDON_V4

PAGE = "https://blog.example.com/post/1"
pytestmark = pytest.mark.django_db


def test_get_stores_a_visit_with_everything(send, site, geoip_dir):
    response = send(data={"url": PAGE, "referrer": "https://news.example/", "event": "pageview"})

    assert response.status_code == 204
    visit = Visit.objects.get()
    assert visit.site == site
    assert visit.url == PAGE
    assert visit.referrer == "https://news.example/"
    assert visit.event == "pageview"
    assert (visit.browser, visit.browser_version, visit.os, visit.device) == (
        "Chrome",
        "126",
        "Windows",
        "desktop",
    )
    assert (visit.country_code, visit.country, visit.region, visit.city) == (
        "GB",
        "United Kingdom",
        "England",
        "London",
    )
    assert visit.location == "London, United Kingdom"
    assert visit.visitor_hash != 0


def test_post_urlencoded_form_body(send):
    response = send(
        "post",
        data=urlencode({"url": PAGE, "event": "signup"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 204
    assert Visit.objects.get().event == "signup"


def test_post_json_body(send):
    response = send(
        "post", data=json.dumps({"url": PAGE, "event": "download"}), content_type="application/json"
    )
    assert response.status_code == 204
    assert Visit.objects.get().event == "download"


def test_post_text_plain_json_as_sendbeacon_sends_it(send):
    response = send("post", data=json.dumps({"url": PAGE}), content_type="text/plain;charset=UTF-8")
    assert response.status_code == 204
    assert Visit.objects.get().url == PAGE


def test_url_falls_back_to_referer_header(send):
    assert send(HTTP_REFERER=PAGE).status_code == 204
    assert Visit.objects.get().url == PAGE


def test_missing_url_is_400_json(send):
    response = send()
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "url" in response.json()["error"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://blog.example.com/", "data:,x", "//x"]
)
def test_non_http_url_is_400_json(send, url):
    response = send(data={"url": url})
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("length", "stored"), [(2047, 2047), (2048, 2048), (2049, 2048), (9000, 2048)]
)
def test_url_and_referrer_are_cut_at_2048(send, length, stored):
    url = "https://blog.example.com/" + "a" * (length - len("https://blog.example.com/"))
    response = send("post", data={"url": url, "referrer": url})
    assert response.status_code == 204
    visit = Visit.objects.get()
    assert len(visit.url) == stored
    assert len(visit.referrer) == stored
    assert visit.url == url[:stored]


@pytest.mark.parametrize(("length", "stored"), [(99, 99), (100, 100), (101, 100)])
def test_event_is_cut_at_100(send, length, stored):
    send(data={"url": PAGE, "event": "e" * length})
    assert len(Visit.objects.get().event) == stored


@pytest.mark.parametrize(("length", "differs"), [(511, True), (512, True), (513, False)])
def test_user_agent_is_cut_at_512(send, site, length, differs):
    """Two agents differing only after character 512 are the same visitor once cut."""
    base = BROWSER_UA + " " + "x" * (length - len(BROWSER_UA) - 2)
    send(data={"url": PAGE}, HTTP_USER_AGENT=base + "A")
    send(data={"url": PAGE}, HTTP_USER_AGENT=base + "B")
    first, second = Visit.objects.order_by("id")
    assert (first.visitor_hash != second.visitor_hash) is differs


def test_nul_and_control_characters_never_reach_the_database(send):
    response = send(
        "post",
        data=json.dumps(
            {
                "url": "https://blog.example.com/a\x00b\x1fc",
                "referrer": "https://r.example/\x00",
                "event": "sign\x00up\x07",
            }
        ),
        content_type="application/json",
        HTTP_USER_AGENT=BROWSER_UA + "\x00",
    )
    assert response.status_code == 204
    visit = Visit.objects.get()
    assert visit.url == "https://blog.example.com/abc"
    assert visit.referrer == "https://r.example/"
    assert visit.event == "signup"


def test_percent_encoded_nul_is_stripped(client, beacon_url):
    response = client.get(
        beacon_url + "?url=https%3A%2F%2Fblog.example.com%2F%00x", HTTP_USER_AGENT=BROWSER_UA
    )
    assert response.status_code == 204
    assert Visit.objects.get().url == "https://blog.example.com/x"


def test_bad_utf8_percent_encoding_is_400(client, beacon_url):
    response = client.get(
        beacon_url + "?url=https%3A%2F%2Fx.example%2F%E9%FF", HTTP_USER_AGENT=BROWSER_UA
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "body", [b"{garbage", b"null", b"[]", b'"string"', b"\xff\xff", b'{"url": 1}']
)
def test_garbage_json_is_400(client, beacon_url, body):
    response = client.post(
        beacon_url, body, content_type="application/json", HTTP_USER_AGENT=BROWSER_UA
    )
    assert response.status_code == 400
    assert response.json()["error"]


def test_oversized_body_is_413(client, beacon_url):
    response = client.post(beacon_url, b"x" * 70000, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "trace", "head"])
def test_other_methods_are_405(client, beacon_url, method):
    response = getattr(client, method)(beacon_url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_options_preflight_is_answered(client, beacon_url):
    response = client.options(
        beacon_url,
        HTTP_ORIGIN="https://blog.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]


def test_cors_and_cache_headers_on_success_and_error(send):
    for response in (send(data={"url": PAGE}), send(data={"url": "ftp://x"})):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == "no-store"


def test_beacon_needs_no_csrf_token(send, client):
    client.handler.enforce_csrf_checks = True
    assert send("post", data={"url": PAGE}).status_code == 204


def test_beacon_sets_no_cookies(send):
    response = send(data={"url": PAGE})
    assert not response.cookies


@pytest.mark.parametrize("data", [{"url": PAGE}, {}, {"url": "not a url"}])
def test_unknown_site_is_404_json_whatever_else_the_request_lacks(send, data):
    response = send(data=data, path="/sites/999999/visit")
    assert response.status_code == 404
    assert response.json() == {"error": "Unknown site."}


@pytest.mark.parametrize(("header", "value"), [("HTTP_DNT", "1"), ("HTTP_SEC_GPC", "1")])
def test_dnt_and_gpc_are_accepted_but_not_stored(send, header, value):
    response = send(data={"url": PAGE}, **{header: value})
    assert response.status_code == 204
    assert response["X-Visit-Skipped"] == "dnt"
    assert not Visit.objects.exists()


def test_dnt_is_stored_when_not_respected(send, settings):
    settings.RESPECT_DNT = False
    assert send(data={"url": PAGE}, HTTP_DNT="1").status_code == 204
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0 Safari/537.36",
        "",
    ],
)
def test_bots_are_accepted_but_not_stored(send, agent):
    response = send(data={"url": PAGE}, HTTP_USER_AGENT=agent)
    assert response.status_code == 204
    assert response["X-Visit-Skipped"] == "bot"
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("header", "value"), [("HTTP_SEC_PURPOSE", "prefetch"), ("HTTP_PURPOSE", "prefetch")]
)
def test_prefetches_are_accepted_but_not_stored(send, header, value):
    response = send(data={"url": PAGE}, **{header: value})
    assert response.status_code == 204
    assert not Visit.objects.exists()


def test_forwarded_for_is_ignored_without_trusted_proxies(send, geoip_dir, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    send(data={"url": PAGE}, REMOTE_ADDR=CHANGCHUN_V4, HTTP_X_FORWARDED_FOR=LONDON_V4)
    assert Visit.objects.get().city == "Changchun"


def test_spoofed_left_forwarded_entry_never_wins(send, geoip_dir, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    send(
        data={"url": PAGE},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"{LONDON_V4}, {CHANGCHUN_V4}",
    )
    assert Visit.objects.get().city == "Changchun"


def test_one_trusted_proxy_reads_the_client_from_forwarded_for(send, geoip_dir, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    send(data={"url": PAGE}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=LONDON_V4)
    assert Visit.objects.get().city == "London"


def test_visit_is_stored_without_location_when_geoip_is_missing(send, settings, tmp_path):
    settings.GEOIP_PATH = tmp_path / "missing"
    assert send(data={"url": PAGE}).status_code == 204
    visit = Visit.objects.get()
    assert (visit.country, visit.city) == ("", "")


def test_same_visitor_same_day_same_hash_other_site_other_hash(send, site, other_site):
    send(data={"url": PAGE})
    send(data={"url": PAGE + "?again"})
    send(data={"url": "https://shop.example.org/"}, path=f"/sites/{other_site.pk}/visit")
    send(data={"url": PAGE}, REMOTE_ADDR=CHANGCHUN_V4)
    hashes = list(Visit.objects.order_by("id").values_list("visitor_hash", flat=True))
    assert hashes[0] == hashes[1]
    assert hashes[2] != hashes[0]
    assert hashes[3] != hashes[0]


def test_database_failure_is_503_json(send, monkeypatch):
    from django.db import OperationalError

    def broken(**kwargs):
        raise OperationalError("database is gone")

    monkeypatch.setattr("visits.ingest.accept.visit_record", broken)
    response = send(data={"url": PAGE})
    assert response.status_code == 503
    assert response.json()["error"]


def test_multipart_body_as_formdata_sends_it(send):
    response = send("post", data={"url": PAGE, "event": "formdata"})
    assert response.status_code == 204
    assert Visit.objects.get().event == "formdata"


def test_garbage_content_length_is_not_a_500(send):
    response = send(
        "post",
        data=json.dumps({"url": PAGE}),
        content_type="application/json",
        CONTENT_LENGTH="banana",
    )
    assert response.status_code < 500


@pytest.mark.django_db(transaction=True)
def test_site_deleted_behind_the_cache_is_a_404_not_a_500(send, site):
    assert send(data={"url": PAGE}).status_code == 204  # the site is now cached
    Visit.objects.all().delete()
    type(site).objects.filter(pk=site.pk).delete()  # as another process would, cache untouched
    response = send(data={"url": PAGE})
    assert response.status_code == 404
    assert response.json() == {"error": "Unknown site."}
    assert not Visit.objects.exists()


def test_beacon_skips_the_session_and_auth_middleware(send, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    def fail(*args, **kwargs):
        raise AssertionError("the session middleware ran for a beacon")

    monkeypatch.setattr(SessionMiddleware, "process_request", fail)
    assert send(data={"url": PAGE}).status_code == 204
