"""Event properties: limits at the beacon, storage, and breakdowns and filters over them."""

import json
from datetime import UTC, datetime

import pytest
import time_machine

from visits.ingest.props import (
    KEY_MAX_LENGTH,
    MAX_PROPERTIES,
    VALUE_MAX_LENGTH,
    PropertyError,
    props_clean,
)
from visits.models import Visit
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_totals
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
PAGE = "https://blog.example.com/pricing"
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)


def post(send, payload):
    return send("post", json.dumps(payload), content_type="text/plain")


def test_properties_are_stored_as_strings(send):
    response = post(
        send,
        {"url": PAGE, "event": "signup", "props": {"plan": "pro", "seats": 5, "trial": True}},
    )
    assert response.status_code == 204
    assert Visit.objects.get().props == {"plan": "pro", "seats": "5", "trial": "true"}


def test_properties_in_a_query_string_are_json_text(send):
    response = send(data={"url": PAGE, "event": "signup", "props": '{"plan": "team"}'})
    assert response.status_code == 204
    assert Visit.objects.get().props == {"plan": "team"}


@pytest.mark.parametrize("count, status", [(MAX_PROPERTIES, 204), (MAX_PROPERTIES + 1, 400)])
def test_at_most_ten_properties(send, count, status):
    props = {f"key{n}": "v" for n in range(count)}
    response = post(send, {"url": PAGE, "event": "signup", "props": props})
    assert response.status_code == status
    if status == 400:
        assert "at most 10 properties" in response.json()["error"]
        assert not Visit.objects.exists()
    else:
        assert len(Visit.objects.get().props) == MAX_PROPERTIES


@pytest.mark.parametrize(
    "length, status", [(KEY_MAX_LENGTH - 1, 204), (KEY_MAX_LENGTH, 204), (KEY_MAX_LENGTH + 1, 400)]
)
def test_property_names_are_bounded(send, length, status):
    response = post(send, {"url": PAGE, "event": "e", "props": {"k" * length: "v"}})
    assert response.status_code == status
    assert Visit.objects.count() == (1 if status == 204 else 0)


@pytest.mark.parametrize(
    "length, stored",
    [(VALUE_MAX_LENGTH - 1, VALUE_MAX_LENGTH - 1), (VALUE_MAX_LENGTH, VALUE_MAX_LENGTH),
     (VALUE_MAX_LENGTH + 1, VALUE_MAX_LENGTH), (10_000, VALUE_MAX_LENGTH)],
)  # fmt: skip
def test_long_values_are_cut(send, length, stored):
    response = post(send, {"url": PAGE, "event": "e", "props": {"note": "x" * length}})
    assert response.status_code == 204
    assert len(Visit.objects.get().props["note"]) == stored


@pytest.mark.parametrize(
    "props",
    [
        ["a", "b"],
        "not json",
        "[1, 2]",
        {"nested": {"a": 1}},
        {"list": [1]},
        {"": "empty name"},
        {"a=b": "equals sign"},
        {"\u0000": "a name of only a NUL"},
        "[" * 5000 + "]" * 5000,
    ],
)
def test_unusable_properties_are_a_json_400(send, props):
    response = post(send, {"url": PAGE, "event": "e", "props": props})
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Visit.objects.exists()


def test_control_characters_and_empty_values_are_dropped():
    assert props_clean({"a": "x\u0000y", "b": "", "c": None}) == {"a": "xy"}
    with pytest.raises(PropertyError):
        props_clean({"k": 1.5j})


@pytest.fixture
def events_with_properties(site):
    def at(hour):
        return datetime(2026, 3, 14, hour, tzinfo=UTC)  # yesterday: rolled up

    url = "https://blog.example.com/"
    VisitFactory(site=site, timestamp=at(9), url=url, visitor_hash=1)
    VisitFactory(
        site=site, timestamp=at(9), url=url, visitor_hash=1, event="signup", props={"plan": "pro"}
    )
    VisitFactory(
        site=site,
        timestamp=at(10),
        url=url,
        visitor_hash=2,
        event="signup",
        props={"plan": "pro", "seats": "5"},
    )
    VisitFactory(
        site=site, timestamp=at(11), url=url, visitor_hash=3, event="signup", props={"plan": "free"}
    )
    VisitFactory(
        site=site, timestamp=at(11), url=url, visitor_hash=3, event="signup", props={"plan": "free"}
    )
    # Today: read from raw visits.
    VisitFactory(
        site=site,
        timestamp=NOW.replace(hour=14),
        url=url,
        visitor_hash=4,
        event="signup",
        props={"plan": "pro"},
    )
    return site  # fmt: skip


def test_property_breakdown_and_filter(events_with_properties, mode):
    site = events_with_properties
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    common = {"site": site, "period": period, "now": NOW}
    rows = visit_breakdown(dimension="prop", filters={}, **common)
    assert [(row.value, row.visitors, row.count) for row in rows] == [
        ("plan=pro", 3, 3),
        ("plan=free", 1, 2),
        ("seats=5", 1, 1),
    ]
    only_plan = visit_breakdown(dimension="prop", filters={}, property_key="seats", **common)
    assert [row.value for row in only_plan] == ["seats=5"]
    totals, _ = visit_totals(filters={"prop": "plan=pro"}, **common)
    assert (totals.visitors, totals.events, totals.pageviews) == (3, 3, 0)
    totals, _ = visit_totals(filters={"prop": "seats"}, **common)  # a name alone: has it
    assert totals.events == 1
    totals, _ = visit_totals(filters={"prop": "plan=enterprise"}, **common)
    assert totals.events == 0


def test_dashboard_lists_properties_and_filters_by_them(events_with_properties, owner_client):
    site = events_with_properties
    with time_machine.travel(NOW, tick=False):
        page = owner_client.get(f"/sites/{site.pk}/stats/", {"period": "7d"})
        assert "Event properties" in page.content.decode()
        assert "?period=7d&amp;prop=plan%3Dpro" in page.content.decode()
        filtered = owner_client.get(
            f"/sites/{site.pk}/stats/", {"period": "7d", "prop": "plan=pro"}
        )
    headline = {label: value for label, value, _ in filtered.context["headline"]}
    assert headline["Events"] == 3
    assert ("Property", "plan=pro") in [
        (name, value) for name, value, _ in filtered.context["filters"]
    ]
