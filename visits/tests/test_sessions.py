"""Visits (sessions) from known sequences of beacons: exact counts, bounces, durations, entry and
exit pages, at the 30-minute gap and across local midnight, from rollups and raw visits alike."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sites.services import site_create
from visits.models import ENGAGEMENT, Visit
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_totals
from visits.stats.periods import period_resolve
from visits.stats.sessions import sessions_of
from visits.stats.timeseries import visit_timeseries
from visits.tests.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
BASE = "https://ny.example"
LATER = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # both days finished: rollups serve them


def local(day, hour, minute, second=0, microsecond=0):
    return datetime(2026, 3, day, hour, minute, second, microsecond, tzinfo=NEW_YORK)


@pytest.fixture
def ny_site(owner):
    return site_create(owner=owner, name="NY", base_url=BASE, timezone="America/New_York")


@pytest.fixture
def beacon(client, ny_site):
    def _beacon(when, path, *, visitor, event="pageview", referrer=""):
        with time_machine.travel(when, tick=False):
            response = client.post(
                f"/sites/{ny_site.pk}/visit",
                json.dumps({"url": BASE + path, "event": event, "referrer": referrer}),
                content_type="text/plain",
                HTTP_USER_AGENT=BROWSER_UA,
                REMOTE_ADDR=visitor,
            )
        assert response.status_code == 204, response.content

    return _beacon


@pytest.fixture
def known_beacons(beacon):
    a, b, c, d = "81.2.69.1", "81.2.69.2", "81.2.69.3", "81.2.69.4"
    # A: two pages, then leaves the tab: one visit of 6 min 30 s from / to /pricing.
    beacon(local(10, 10, 0), "/", visitor=a, referrer="https://www.google.com/")
    beacon(local(10, 10, 5), "/pricing", visitor=a)
    beacon(local(10, 10, 6, 30), "/pricing", visitor=a, event=ENGAGEMENT)
    # A again exactly 30 minutes after the last ping: a new visit, a bounce of 40 seconds.
    beacon(local(10, 10, 36, 30), "/blog", visitor=a)
    beacon(local(10, 10, 37, 10), "/blog", visitor=a, event=ENGAGEMENT)
    # B: a gap of a millisecond under 30 minutes keeps one visit going; a custom event too.
    beacon(local(10, 10, 0), "/", visitor=b)
    beacon(local(10, 10, 29, 59, 999_000), "/docs", visitor=b)
    beacon(local(10, 10, 30), "/docs", visitor=b, event="signup")
    # C: one page before local midnight, one after: two days, two visits, two bounces.
    beacon(local(10, 23, 50), "/", visitor=c)
    beacon(local(11, 0, 10), "/pricing", visitor=c)
    # D: only an engagement ping (the page was opened before the day began): no visit.
    beacon(local(10, 11, 0), "/old", visitor=d, event=ENGAGEMENT)


def period_of(key="custom", first="2026-03-10", last="2026-03-10", now=LATER):
    return period_resolve(key=key, tz_name="America/New_York", now=now, start=first, end=last)


def test_sessions_of_gives_each_visit_exactly(known_beacons, ny_site):
    found = sorted(
        sessions_of(Visit.objects.filter(site=ny_site), tz=NEW_YORK),
        key=lambda s: (s.day, s.entry, s.seconds),
    )
    summary = [
        (s.day.day, s.entry, s.exit, s.pageviews, s.events, s.seconds, s.bounced) for s in found
    ]
    assert summary == [
        (10, "/", "/", 1, 0, 0, True),  # C before midnight
        (10, "/", "/pricing", 2, 0, 390, False),  # A
        (10, "/", "/docs", 2, 1, 1800, False),  # B: 10:00:00 to 10:30:00
        (10, "/blog", "/blog", 1, 0, 40, True),  # A's second visit
        (11, "/pricing", "/pricing", 1, 0, 0, True),  # C after midnight
    ]


def test_headline_figures_are_exact(known_beacons, ny_site, mode):
    with time_machine.travel(LATER, tick=False):
        current, _ = visit_totals(site=ny_site, period=period_of(), filters={}, now=LATER)
    assert current.visitors == 3  # D's lone ping is not a visitor
    assert current.pageviews == 6
    assert current.events == 1
    assert current.sessions == 4
    assert current.bounces == 2
    assert current.bounce_rate == 50
    assert current.duration == 390 + 40 + 1800
    assert current.visit_duration == 558  # 2230 / 4, rounded
    assert current.views_per_visit == 1.5


def test_previous_period_carries_visits_too(known_beacons, ny_site, mode):
    period = period_of(first="2026-03-11", last="2026-03-11")
    current, previous = visit_totals(site=ny_site, period=period, filters={}, now=LATER)
    assert (current.sessions, current.bounces, current.duration) == (1, 1, 0)
    assert (previous.sessions, previous.bounces, previous.duration) == (4, 2, 2230)


def test_entry_and_exit_pages(known_beacons, ny_site, mode):
    common = {"site": ny_site, "period": period_of(), "filters": {}, "now": LATER}
    entries = visit_breakdown(dimension="entry", **common)
    assert [(row.value, row.count, row.visitors, row.bounce_rate) for row in entries] == [
        ("/", 3, 3, 33),  # A, B and C; C's visit bounced
        ("/blog", 1, 1, 100),
    ]
    assert entries[0].visit_duration == round((390 + 1800 + 0) / 3)
    exits = visit_breakdown(dimension="exit", **common)
    assert sorted((row.value, row.count) for row in exits) == [
        ("/", 1),
        ("/blog", 1),
        ("/docs", 1),
        ("/pricing", 1),
    ]


def test_filters_narrow_the_hits_before_visits_are_formed(known_beacons, ny_site, mode):
    period = period_of()
    current, _ = visit_totals(site=ny_site, period=period, filters={"page": "/docs"}, now=LATER)
    # Only B's hits on /docs remain: one visit of a pageview and an event, 1 ms apart.
    assert (current.sessions, current.bounces, current.pageviews, current.events) == (1, 0, 1, 1)
    current, _ = visit_totals(
        site=ny_site, period=period, filters={"referrer": "google.com"}, now=LATER
    )
    assert (current.sessions, current.bounces, current.duration) == (1, 1, 0)


def test_today_is_read_from_raw_hits(known_beacons, ny_site):
    now = local(10, 23, 59).astimezone(UTC)
    period = period_resolve(key="day", tz_name="America/New_York", now=now)
    current, _ = visit_totals(site=ny_site, period=period, filters={}, now=now)
    assert (current.sessions, current.bounces, current.duration) == (4, 2, 2230)


def test_engagement_pings_are_neither_pageviews_nor_events(known_beacons, ny_site, mode):
    common = {"site": ny_site, "period": period_of(), "filters": {}, "now": LATER}
    events = visit_breakdown(dimension="event", **common)
    assert [(row.value, row.count) for row in events] == [("signup", 1)]
    pages = {row.value: row.count for row in visit_breakdown(dimension="page", **common)}
    assert "/old" not in pages and pages["/blog"] == 1
    points = visit_timeseries(
        site=ny_site, period=period_of(first="2026-03-10", last="2026-03-11"), filters={}, now=LATER
    )
    assert [(p.pageviews, p.visitors) for p in points] == [(6, 3), (1, 1)]


def test_dashboard_shows_visit_figures_with_changes(known_beacons, ny_site, owner_client):
    with time_machine.travel(LATER, tick=False):
        response = owner_client.get(
            f"/sites/{ny_site.pk}/stats/",
            {"period": "custom", "from": "2026-03-11", "to": "2026-03-11"},
        )
    assert response.status_code == 200
    headline = {label: (value, change) for label, value, change in response.context["headline"]}
    assert headline["Visits"] == (1, -75)
    assert headline["Bounce rate"] == ("100%", 50)  # from 50%: points, not percent of a rate
    assert headline["Visit duration"] == ("0s", -100)
    assert headline["Views per visit"] == (1.0, -33)
    html = response.content.decode()
    assert "Entry pages" in html and "Exit pages" in html
    # A higher bounce rate is shown as bad news, fewer visits too.
    assert 'class="card-change down">\n      +50 pts' in html
    assert 'class="card-change down">\n      -75%' in html


def test_rollup_and_raw_agree_on_a_day_with_no_visits(ny_site, mode):
    current, previous = visit_totals(site=ny_site, period=period_of(), filters={}, now=LATER)
    assert (current.sessions, current.bounce_rate, current.visit_duration) == (0, 0, 0)
    assert current.views_per_visit == 0.0
    assert previous.sessions == 0
    assert date(2026, 3, 10) == period_of().first_day


@pytest.mark.parametrize(
    ("extra", "formed_count", "reads_count"),
    [
        # One rolled-up filter: finished days from rollups, today's rows read once for every
        # panel (visits formed from them in Python).
        ("", 0, 1),
        # Two filters: no rollup holds them; their finished days are kept since the first
        # request (visits.stats.view_days), today's rows read once for every panel.
        ("&page=/a", 0, 1),
    ],
)
def test_a_dashboard_request_reads_each_periods_hits_once(
    owner_client, site, extra, formed_count, reads_count
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from visits.tests.factories import VisitFactory

    VisitFactory(site=site, path="/a", url="https://blog.example.com/a", visitor_hash=1)
    VisitFactory(site=site, path="/b", url="https://blog.example.com/b", visitor_hash=1)
    url = f"/sites/{site.pk}/stats/?period=7d&browser={site.visits.first().browser}{extra}"
    owner_client.get(url)  # the first request also builds the finished days' rollups
    with CaptureQueriesContext(connection) as queries:
        page = owner_client.get(url)
    assert page.status_code == 200
    formed = [query for query in queries if "WITH hits AS" in query["sql"]]
    assert len(formed) == formed_count  # not once per panel
    if reads_count is not None:
        # (Not counting the dashboard's one-row check that the site has any visit at all.)
        reads = [
            query
            for query in queries
            if 'FROM "visits_visit"' in query["sql"]
            and "LIMIT 1" not in query["sql"]
            # Under one filter the scroll depth card reads only engagement pings, apart from
            # the panels; a view no rollup holds reads them with the panels.
            and 'MAX("visits_visit"."scroll_depth")' not in query["sql"]
        ]
        assert len(reads) == reads_count  # the periods not rolled up, each once
    body = page.content.decode()
    assert "/a" in body


def test_visits_are_not_kept_between_calls(ny_site):
    period = period_resolve(key="7d", tz_name=ny_site.timezone, now=LATER)
    Visit.objects.create(site=ny_site, url=f"{BASE}/", path="/", timestamp=LATER, visitor_hash=1)
    first = visit_totals(site=ny_site, period=period, filters={"page": "/"}, now=LATER)[0]
    Visit.objects.create(site=ny_site, url=f"{BASE}/", path="/", timestamp=LATER, visitor_hash=2)
    second = visit_totals(site=ny_site, period=period, filters={"page": "/"}, now=LATER)[0]
    assert (first.sessions, second.sessions) == (1, 2)
