"""The pure parsing functions behind the beacon."""

import pytest

from accounts.addresses import client_address
from visits.ingest.parse import BeaconError, beacon_parse, page_url, parse_parameters, skip_reason
from visits.text import clean_text

# A bare product token ("Browser/1") is a script to the bot patterns: parse a real browser.
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def parse(**overrides):
    arguments = {
        "method": "GET",
        "query_string": "url=https%3A%2F%2Fexample.com%2F",
        "body": b"",
        "headers": {"REMOTE_ADDR": "81.2.69.142", "HTTP_USER_AGENT": FIREFOX},
        "trusted_proxy_count": 0,
        "respect_dnt": True,
    }
    return beacon_parse(**{**arguments, **overrides})


def test_minimal_hit():
    hit = parse()
    assert hit.url == "https://example.com/"
    assert hit.referrer == ""
    assert hit.event == "pageview"
    assert hit.user_agent == FIREFOX
    assert hit.client_ip == "81.2.69.142"
    assert hit.skip_reason == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x00b", "ab"),
        ("  spaced  ", "spaced"),
        ("tab\there\r\nnewline", "tabherenewline"),
        ("del\x7f c1\x85 ok", "del c1 ok"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("émoji 🎉 kept", "émoji 🎉 kept"),
    ],
)
def test_clean_text_removes_control_characters(raw, expected):
    assert clean_text(raw, 100) == expected


def test_clean_text_cuts_after_cleaning():
    assert clean_text("\x00" * 5 + "a" * 10, 4) == "aaaa"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.com/", "data:text/html,x", "/relative", "https://", ""],
)
def test_non_http_page_urls_are_refused(url):
    with pytest.raises(BeaconError):
        page_url(url)


def test_bad_ipv6_literal_is_refused():
    with pytest.raises(BeaconError):
        page_url("http://[::1/")


@pytest.mark.parametrize(
    ("remote", "forwarded", "count", "expected"),
    [
        ("10.0.0.1", "", 0, "10.0.0.1"),
        ("10.0.0.1", "81.2.69.142", 0, "10.0.0.1"),  # no proxy trusted: header ignored
        ("10.0.0.1", "81.2.69.142", 1, "81.2.69.142"),
        ("10.0.0.1", "6.6.6.6, 81.2.69.142", 1, "81.2.69.142"),  # spoofed left entry loses
        ("10.0.0.1", "6.6.6.6, 81.2.69.142, 10.0.0.2", 2, "81.2.69.142"),
        ("10.0.0.1", "", 1, "10.0.0.1"),  # fewer entries than proxies: fall back
        ("10.0.0.1", "not-an-ip", 1, None),
        ("10.0.0.1", "81.2.69.142:4711", 1, "81.2.69.142"),
        ("10.0.0.1", "[2a02:8100::1]:443", 1, "2a02:8100::1"),
        ("2A02:8100:0::1", "", 0, "2a02:8100::1"),
        ("", "", 0, None),
    ],
)
def test_client_address(remote, forwarded, count, expected):
    assert (
        client_address(remote_addr=remote, forwarded_for=forwarded, trusted_proxy_count=count)
        == expected
    )


@pytest.mark.parametrize(
    ("headers", "respect", "bot", "expected"),
    [
        ({"HTTP_DNT": "1"}, True, False, "dnt"),
        ({"HTTP_SEC_GPC": "1"}, True, False, "dnt"),
        ({"HTTP_DNT": "1"}, False, False, ""),
        ({"HTTP_DNT": "0"}, True, False, ""),
        ({"HTTP_SEC_PURPOSE": "prefetch;prerender"}, True, False, "prefetch"),
        ({"HTTP_PURPOSE": "prefetch"}, True, False, "prefetch"),
        ({"HTTP_X_MOZ": "prefetch"}, True, False, "prefetch"),
        ({}, True, True, "bot"),
        ({}, True, False, ""),
    ],
)
def test_skip_reason(headers, respect, bot, expected):
    assert skip_reason(headers=headers, respect_dnt=respect, is_bot=bot) == expected


def test_json_body_overrides_query_string():
    parameters = parse_parameters(
        method="POST",
        query_string="url=https%3A%2F%2Fa.example%2F&event=q",
        body=b'{"url": "https://b.example/", "referrer": null}',
        content_type="text/plain;charset=UTF-8",
    )
    assert parameters == {"url": "https://b.example/", "event": "q"}


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"url": 5}', "application/json", 400),
        (b'{"url": {"a": 1}}', "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"url=%E9", "application/x-www-form-urlencoded", 400),
        (b"url=\xe9", "application/x-www-form-urlencoded", 400),
        (b"<xml/>", "application/xml", 415),
        (b"x" * 70000, "application/json", 413),
        (b"[" * 100000, "application/json", 413),
        (b"&".join(b"a%d=1" % n for n in range(40)), "application/x-www-form-urlencoded", 400),
    ],
)
def test_unusable_bodies(body, content_type, status):
    with pytest.raises(BeaconError) as raised:
        parse_parameters(method="POST", query_string="", body=body, content_type=content_type)
    assert raised.value.status == status


def test_deeply_nested_json_is_refused_not_crashed():
    with pytest.raises(BeaconError):
        parse_parameters(
            method="POST", query_string="", body=b"[" * 5000, content_type="application/json"
        )


def test_bad_percent_encoding_in_query_string():
    with pytest.raises(BeaconError, match="UTF-8"):
        parse_parameters(method="GET", query_string="url=%ff%fe", body=b"", content_type="")


def test_unknown_parameters_are_ignored():
    assert parse_parameters(method="GET", query_string="x=1&url=u", body=b"", content_type="") == {
        "url": "u"
    }
