"""The engagement ping's scroll depth and Web Vitals at the beacon: numbers in range stored on
the ping's row, out-of-range ones clamped or dropped, garbage ignored; never a refused hit."""

import json
from urllib.parse import urlencode

import pytest

from visits.ingest.spool import Spool
from visits.ingest.spool_store import line_decode
from visits.models import ENGAGEMENT_FIELDS, Visit

pytestmark = pytest.mark.django_db
PAGE = "https://blog.example.com/article"


def post(send, **measured):
    body = json.dumps({"url": PAGE, "event": "engagement", **measured})
    return send("post", body, content_type="text/plain")


def stored() -> dict:
    return Visit.objects.values(*ENGAGEMENT_FIELDS).get()


def test_an_engagement_ping_stores_its_measurements(send):
    response = post(send, scroll=49.6, lcp=2412.3, inp=184, cls=0.04271, fcp=950.5, ttfb=212.49)
    assert response.status_code == 204, response.content
    assert stored() == {
        "scroll_depth": 50, "lcp": 2412, "inp": 184, "cls": 0.0427, "fcp": 950, "ttfb": 212,
    }  # fmt: skip


def test_the_query_string_and_a_form_carry_them_too(send, beacon_url):
    query = urlencode({"url": PAGE, "event": "engagement", "scroll": "72", "lcp": "1800.7"})
    assert send("get", path=f"{beacon_url}?{query}").status_code == 204
    form = urlencode({"url": PAGE, "event": "engagement", "cls": "0.3", "ttfb": "90"})
    assert send("post", form, content_type="application/x-www-form-urlencoded").status_code == 204
    rows = list(Visit.objects.order_by("id").values_list("scroll_depth", "lcp", "cls", "ttfb"))
    assert rows == [(72, 1801, None, None), (None, None, 0.3, 90)]


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        ({"scroll": 100.4}, {"scroll_depth": 100}),
        ({"scroll": 250}, {"scroll_depth": 100}),  # clamped to the bottom of the page
        ({"scroll": 1e308}, {"scroll_depth": 100}),
        ({"scroll": -3}, {}),
        ({"scroll": 0}, {"scroll_depth": 0}),
        ({"lcp": 600000}, {"lcp": 600000}),  # ten minutes: the longest kept
        ({"lcp": 600001}, {}),
        ({"inp": -1}, {}),
        ({"cls": 100}, {"cls": 100.0}),
        ({"cls": 100.01}, {}),
        ({"cls": "1e999"}, {}),
        ({"ttfb": "NaN"}, {}),
        ({"ttfb": "Infinity"}, {}),
        ({"fcp": "12abc"}, {}),
        ({"fcp": "9" * 40}, {}),  # too long to be a number we read
        ({"lcp": True}, {}),
        ({"lcp": [1, 2]}, {}),
        ({"lcp": {"value": 1}}, {}),
        ({"inp": 10**400}, {}),  # an integer too large for a float
        ({"scroll": "\u0000"}, {}),
    ],
)
def test_hostile_measurements_are_clamped_or_ignored(send, measured, expected):
    body = json.dumps({"url": PAGE, "event": "engagement", **measured})
    response = send("post", body, content_type="text/plain")
    assert response.status_code == 204, response.content
    assert stored() == {**dict.fromkeys(ENGAGEMENT_FIELDS), **expected}


def test_a_pageview_or_custom_event_keeps_none(send):
    for event in ("pageview", "signup"):
        body = json.dumps({"url": PAGE, "event": event, "scroll": 80, "lcp": 1000})
        assert send("post", body, content_type="text/plain").status_code == 204
    assert set(Visit.objects.values_list(*ENGAGEMENT_FIELDS)) == {(None,) * 6}


def test_a_ping_without_measurements_is_stored_as_before(send):
    assert post(send).status_code == 204
    assert stored() == dict.fromkeys(ENGAGEMENT_FIELDS)


def test_measurements_survive_the_spool(site, settings, tmp_path, monkeypatch):
    """Spooled with the row and stored as sent; a line from before them reads as none."""
    from visits.ingest import record
    from visits.ingest.parse import hit_build

    settings.BEACON_WRITE_MODE = "spool"
    spool = Spool(tmp_path, background=False)
    monkeypatch.setattr(record, "process_spool", lambda: spool)
    hit = hit_build(
        url=PAGE,
        referrer="",
        event="engagement",
        user_agent="Mozilla/5.0 Firefox/128.0",
        client_ip=None,
        metrics={"scroll": 33, "cls": 0.125, "ttfb": 401},
    )
    record.visit_record(site=site, hit=hit)
    assert not Visit.objects.exists()
    assert spool.flush() == 1
    spool.close()
    assert stored() == {**dict.fromkeys(ENGAGEMENT_FIELDS), "scroll_depth": 33, "cls": 0.125,
                        "ttfb": 401}  # fmt: skip
    old_line = {"site_id": site.pk, "timestamp": "2026-03-01T10:00:00+00:00", "url": PAGE}
    decoded = line_decode(old_line)
    assert [decoded[column] for column in ENGAGEMENT_FIELDS] == [None] * 6
