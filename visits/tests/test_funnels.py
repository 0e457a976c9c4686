"""Funnel reports: exact figures on known visits (order, repeats, the 30-minute gap, events
with properties, wildcards, filters), and the report page with its chart and links."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sites.funnel_services import funnel_create
from sites.models import Funnel, FunnelStep
from visits.stats.funnels import funnel_report, step_matcher, steps_reached
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
DAY = datetime(2026, 3, 14, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def hit(site, visitor, hour, minute, path, event="pageview", props=None, **fields):
    VisitFactory(
        site=site,
        timestamp=DAY + timedelta(hours=hour, minutes=minute),
        url=f"https://blog.example.com{path}",
        visitor_hash=visitor,
        event=event,
        props=props or {},
        **fields,
    )


@pytest.fixture
def signup_funnel(site):
    return funnel_create(
        site=site,
        name="Signup",
        steps=[
            {"kind": "page", "value": "/"},
            {"kind": "page", "value": "/pricing"},
            {"kind": "event", "value": "signup", "prop_key": "plan", "prop_value": "pro"},
        ],
    )


@pytest.fixture
def known_visits(site):
    # 1: every step, in order.
    hit(site, 1, 9, 0, "/")
    hit(site, 1, 9, 5, "/pricing")
    hit(site, 1, 9, 10, "/pricing", "signup", {"plan": "pro"})
    # 2: the first two steps.
    hit(site, 2, 9, 0, "/")
    hit(site, 2, 9, 5, "/pricing")
    # 3: out of order: /pricing before /, so only the first step.
    hit(site, 3, 9, 0, "/pricing")
    hit(site, 3, 9, 5, "/")
    # 4: repeated steps count once; a signup with another plan is not the third step.
    hit(site, 4, 9, 0, "/")
    hit(site, 4, 9, 1, "/")
    hit(site, 4, 9, 2, "/pricing")
    hit(site, 4, 9, 3, "/pricing")
    hit(site, 4, 9, 4, "/pricing", "signup", {"plan": "free"})
    # 5: /pricing 40 minutes after /: a new visit, which starts past the first step.
    hit(site, 5, 9, 0, "/")
    hit(site, 5, 9, 40, "/pricing")
    hit(site, 5, 9, 45, "/pricing", "signup", {"plan": "pro"})
    # 6: never on the first step.
    hit(site, 6, 9, 0, "/blog/x")
    # 7: an engagement ping 25 minutes in keeps the visit open until /pricing 25 minutes later.
    hit(site, 7, 9, 0, "/")
    hit(site, 7, 9, 25, "/", "engagement")
    hit(site, 7, 9, 50, "/pricing")
    # 8: exactly 30 minutes apart: two visits.
    hit(site, 8, 9, 0, "/")
    hit(site, 8, 9, 30, "/pricing")
    # 9: a first visit stops at step 1; a later one that day goes all the way, from France.
    hit(site, 9, 9, 0, "/", country_code="FR", country="France")
    hit(site, 9, 11, 0, "/", country_code="FR", country="France")
    hit(site, 9, 11, 1, "/pricing", country_code="FR", country="France")
    hit(site, 9, 11, 2, "/pricing", "signup", {"plan": "pro"}, country_code="FR", country="France")


def figures(rows):
    return [(r.visitors, r.from_first, r.from_previous, r.dropped, r.dropped_rate) for r in rows]


def test_funnel_figures_on_known_visits(site, signup_funnel, known_visits):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    rows = funnel_report(site=site, funnel=signup_funnel, period=period, filters={})
    # Step 1: visitors 1, 2, 3, 4, 5, 7, 8, 9 = 8. Step 2: 1, 2, 4, 7, 9 = 5 (5/8 = 62.5%).
    # Step 3: 1, 9 = 2 (2/8 = 25%, 2/5 = 40%).
    assert [row.label for row in rows] == ["/", "/pricing", "signup (plan=pro)"]
    assert figures(rows) == [
        (8, 100.0, 100.0, 0, 0.0),
        (5, 62.5, 62.5, 3, 37.5),
        (2, 25.0, 40.0, 3, 60.0),
    ]


def test_funnel_follows_the_dashboard_filters_and_period(site, signup_funnel, known_visits):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    rows = funnel_report(site=site, funnel=signup_funnel, period=period, filters={"country": "FR"})
    assert [row.visitors for row in rows] == [1, 1, 1]
    today = period_resolve(key="day", tz_name="UTC", now=NOW)
    rows = funnel_report(site=site, funnel=signup_funnel, period=today, filters={})
    assert figures(rows) == [(0, 0.0, 0.0, 0, 0.0), (0, 0.0, 0.0, 0, 0.0), (0, 0.0, 0.0, 0, 0.0)]


def test_a_visitor_counts_once_per_day_and_again_on_another_day(site, signup_funnel):
    # The same hash on two days is two visitors, as everywhere (a visitor is known for a day).
    hit(site, 1, 9, 0, "/")
    hit(site, 1, 9, 1, "/pricing")
    VisitFactory(site=site, timestamp=DAY - timedelta(hours=12), url="https://blog.example.com/",
                 visitor_hash=1)  # fmt: skip
    # Midnight ends a visit too: / at 23:50 and /pricing at 00:05 are two visitors' first steps.
    VisitFactory(site=site, timestamp=DAY - timedelta(minutes=10), url="https://blog.example.com/",
                 visitor_hash=2)  # fmt: skip
    VisitFactory(site=site, timestamp=DAY + timedelta(minutes=5),
                 url="https://blog.example.com/pricing", visitor_hash=2)  # fmt: skip
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    rows = funnel_report(site=site, funnel=signup_funnel, period=period, filters={})
    assert [row.visitors for row in rows] == [3, 1, 0]


def test_wildcard_pages_and_events_without_a_property_value(site):
    funnel = funnel_create(
        site=site,
        name="Reading",
        steps=[
            {"kind": "page", "value": "/blog/*"},
            {"kind": "event", "value": "subscribe", "prop_key": "list"},
            {"kind": "page", "value": "/thanks"},
        ],
    )
    hit(site, 1, 9, 0, "/blog/first-post")
    hit(site, 1, 9, 1, "/blog/first-post", "subscribe", {"list": "weekly"})
    hit(site, 1, 9, 2, "/thanks")
    hit(site, 2, 9, 0, "/blogroll")  # not under /blog/
    hit(site, 3, 9, 0, "/blog/a")
    hit(site, 3, 9, 1, "/blog/a", "subscribe")  # without the property
    hit(site, 3, 9, 2, "/thanks")
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    rows = funnel_report(site=site, funnel=funnel, period=period, filters={})
    assert [row.visitors for row in rows] == [2, 1, 1]
    assert [row.from_first for row in rows] == [100.0, 50.0, 50.0]


def test_steps_reached_walks_in_order():
    steps = [
        FunnelStep(kind="page", value="/a"),
        FunnelStep(kind="page", value="/b*"),
        FunnelStep(kind="event", value="buy", prop_key="plan", prop_value="pro"),
    ]
    matchers = [step_matcher(step) for step in steps]
    pv = "pageview"
    assert steps_reached([("/b", pv, {}), ("/a", pv, {})], matchers) == 1
    assert steps_reached([("/a", pv, {}), ("/x", pv, {}), ("/bee", pv, {})], matchers) == 2
    assert steps_reached([("/a", "buy", {}), ("/b", pv, {})], matchers) == 0  # an event, no page
    buy = ("/b", "buy", {"plan": "pro"})
    assert steps_reached([("/a", pv, {}), ("/b", pv, {}), buy, buy], matchers) == 3
    assert steps_reached([("/a", pv, {}), buy, ("/b", pv, {})], matchers) == 2


def test_report_page_shows_steps_chart_and_dashboard_links(
    owner_client, site, signup_funnel, known_visits
):
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(f"/sites/{site.pk}/funnels/{signup_funnel.pk}/?period=7d")
    assert response.status_code == 200
    body = response.content.decode()
    cells = re.findall(r'<td class="num">([^<]*)</td>', body)
    assert cells == ["8", "100.0%", "—", "—", "5", "62.5%", "62.5%",
                     "2", "25.0%", "40.0%"]  # fmt: skip
    dropped = re.findall(r'dropped=\d+\.\d+" title="[^"]*">(\d+)</a> \(([^)]*)\)', body)
    assert dropped == [("3", "37.5%"), ("3", "60.0%")]
    dashboard = f"/sites/{site.pk}/stats/?period=7d"
    assert f'href="{dashboard}&amp;page=%2F"' in body
    assert f'href="{dashboard}&amp;page=%2Fpricing"' in body
    assert f'href="{dashboard}&amp;event=signup&amp;prop=plan%3Dpro"' in body
    assert body.count('class="bar"') == 3  # one bar per step in the chart
    assert "62.5%</text>" in body


def test_report_page_keeps_filters_and_refuses_a_bad_period(
    owner_client, site, signup_funnel, known_visits
):
    url = f"/sites/{site.pk}/funnels/{signup_funnel.pk}/"
    with time_machine.travel(NOW, tick=False):
        filtered = owner_client.get(url, {"period": "7d", "country": "FR"})
        bad = owner_client.get(url, {"period": "custom", "from": "2026-03-10", "to": "nope"})
    assert "Country: <strong>" in filtered.content.decode()
    assert re.findall(r'<td class="num">(\d+)</td>', filtered.content.decode()) == ["1", "1", "1"]
    assert bad.status_code == 400
    assert "custom range needs" in bad.content.decode()


def test_another_sites_funnel_is_not_found(owner_client, site, other_site):
    foreign = funnel_create(
        site=other_site,
        name="Theirs",
        steps=[{"kind": "page", "value": "/"}, {"kind": "page", "value": "/x"}],
    )
    assert owner_client.get(f"/sites/{site.pk}/funnels/{foreign.pk}/").status_code == 404
    assert owner_client.get(f"/sites/{other_site.pk}/funnels/{foreign.pk}/").status_code == 404
    assert Funnel.objects.count() == 1


def test_midnight_in_the_sites_time_zone_ends_a_visit(site, signup_funnel):
    site.timezone = "Europe/Berlin"  # UTC+1 in March
    site.save()
    hit(site, 1, 22, 50, "/")  # 23:50 in Berlin
    hit(site, 1, 23, 5, "/pricing")  # 00:05 the next day in Berlin
    hit(site, 2, 21, 50, "/")  # 22:50 and 23:05 in Berlin: one visit
    hit(site, 2, 22, 5, "/pricing")
    period = period_resolve(key="7d", tz_name="Europe/Berlin", now=NOW)
    rows = funnel_report(site=site, funnel=signup_funnel, period=period, filters={})
    assert [row.visitors for row in rows] == [2, 1, 0]
