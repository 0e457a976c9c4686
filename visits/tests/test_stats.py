"""Known visits in, exact figures out, from rollups and from raw visits alike."""

from datetime import UTC, date, datetime

import pytest

from sites.services import site_create
from visits.models import DailyRollup
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_live, visit_totals
from visits.stats.periods import period_resolve
from visits.stats.timeseries import visit_timeseries
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)  # 11:00 on 15 March in New York (EDT)
pytestmark = pytest.mark.django_db


@pytest.fixture
def ny_site(owner):
    return site_create(
        owner=owner, name="NY", base_url="https://ny.example", timezone="America/New_York"
    )


@pytest.fixture
def known_visits(ny_site, other_site):
    def at(*args):
        return datetime(*args, tzinfo=UTC)

    base = "https://ny.example"
    VisitFactory(
        site=ny_site,
        timestamp=at(2026, 3, 15, 14, 0),
        url=base + "/",
        visitor_hash=1,
        referrer="https://www.google.com/search",
    )
    VisitFactory(
        site=ny_site,
        timestamp=at(2026, 3, 15, 14, 10),
        url=base + "/pricing",
        visitor_hash=1,
        referrer=base + "/",
    )
    VisitFactory(
        site=ny_site,
        timestamp=at(2026, 3, 15, 14, 20),
        url=base + "/pricing",
        visitor_hash=1,
        event="signup",
    )
    # 00:30 on 9 March local (EDT): the first minutes of the 7-day period.
    VisitFactory(
        site=ny_site,
        timestamp=at(2026, 3, 9, 4, 30),
        url=base + "/",
        visitor_hash=2,
        referrer="https://news.ycombinator.com/item?id=1",
        country_code="US",
        country="United States",
        region="New York",
        city="New York",
        browser="Chrome",
        device="mobile",
        os="iOS",
    )
    # 23:30 on 8 March local: the last minutes of the previous period.
    VisitFactory(site=ny_site, timestamp=at(2026, 3, 9, 3, 30), url=base + "/", visitor_hash=3)
    # 01:00 on 2 March local (EST): the previous period's first day; 23:59 on 1 March: outside.
    VisitFactory(site=ny_site, timestamp=at(2026, 3, 2, 6, 0), url=base + "/", visitor_hash=4)
    VisitFactory(site=ny_site, timestamp=at(2026, 3, 2, 4, 59), url=base + "/", visitor_hash=5)
    VisitFactory(site=other_site, timestamp=at(2026, 3, 15, 14, 0), visitor_hash=1)
    return ny_site


def week(site):
    return period_resolve(key="7d", tz_name=site.timezone, now=NOW)


def test_totals_and_previous_period(mode, known_visits):
    current, previous = visit_totals(
        site=known_visits, period=week(known_visits), filters={}, now=NOW
    )
    assert (current.pageviews, current.visitors, current.events) == (3, 2, 1)
    assert current.pages_per_visitor == 1.5
    assert (previous.pageviews, previous.visitors, previous.events) == (2, 2, 0)


def test_breakdowns_in_order(mode, known_visits):
    def rows(dimension):
        return [
            (row.value, row.label, row.visitors, row.count)
            for row in visit_breakdown(
                site=known_visits,
                period=week(known_visits),
                filters={},
                dimension=dimension,
                now=NOW,
            )
        ]

    assert rows("page") == [("/", "/", 2, 2), ("/pricing", "/pricing", 1, 1)]
    # The second pageview came from the site itself: not a referrer.
    assert rows("referrer") == [
        ("google.com", "google.com", 1, 1),
        ("news.ycombinator.com", "news.ycombinator.com", 1, 1),
        ("direct", "Direct / none", 1, 0),
    ]
    assert rows("country") == [("DE", "Germany", 1, 2), ("US", "United States", 1, 1)]
    assert rows("city") == [
        ("Berlin", "Berlin, Germany", 1, 2),
        ("New York", "New York, United States", 1, 1),
    ]
    assert rows("device") == [("desktop", "Desktop", 1, 2), ("mobile", "Mobile", 1, 1)]
    assert rows("browser") == [("Firefox", "Firefox", 1, 2), ("Chrome", "Chrome", 1, 1)]
    assert rows("event") == [("signup", "signup", 1, 1)]


def test_daily_timeseries(mode, known_visits):
    points = visit_timeseries(site=known_visits, period=week(known_visits), filters={}, now=NOW)
    assert [(p.bucket.date(), p.pageviews, p.visitors) for p in points] == [
        (date(2026, 3, 9), 1, 1),
        (date(2026, 3, 10), 0, 0),
        (date(2026, 3, 11), 0, 0),
        (date(2026, 3, 12), 0, 0),
        (date(2026, 3, 13), 0, 0),
        (date(2026, 3, 14), 0, 0),
        (date(2026, 3, 15), 2, 1),
    ]


def test_hourly_timeseries_for_one_day(mode, known_visits):
    period = period_resolve(key="day", tz_name=known_visits.timezone, now=NOW)
    points = visit_timeseries(site=known_visits, period=period, filters={}, now=NOW)
    assert len(points) == 24
    assert [(p.bucket.hour, p.pageviews, p.visitors) for p in points if p.pageviews] == [(10, 2, 1)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "US"}, (1, 1, 0)),
        ({"referrer": "direct"}, (0, 1, 1)),
        ({"referrer": "google.com"}, (1, 1, 0)),
        ({"page": "/pricing"}, (1, 1, 1)),
        ({"event": "signup"}, (0, 1, 1)),
        ({"browser": "Chrome"}, (1, 1, 0)),
        ({"device": "mobile"}, (1, 1, 0)),
        ({"os": "iOS"}, (1, 1, 0)),
        ({"region": "Land Berlin"}, (2, 1, 1)),
        ({"city": "Berlin", "page": "/"}, (1, 1, 0)),
        ({"country": "FR"}, (0, 0, 0)),
    ],
)
def test_each_filter(known_visits, filters, expected):
    current, _ = visit_totals(
        site=known_visits, period=week(known_visits), filters=filters, now=NOW
    )
    assert (current.pageviews, current.visitors, current.events) == expected


def test_filtered_breakdown(known_visits):
    rows = visit_breakdown(
        site=known_visits,
        period=week(known_visits),
        filters={"country": "DE"},
        dimension="page",
        now=NOW,
    )
    assert [(row.value, row.visitors, row.count) for row in rows] == [
        ("/", 1, 1),
        ("/pricing", 1, 1),
    ]


def test_empty_site(mode, site):
    period = period_resolve(key="30d", tz_name=site.timezone, now=NOW)
    current, previous = visit_totals(site=site, period=period, filters={}, now=NOW)
    assert current.pageviews == current.visitors == previous.visitors == 0
    assert current.pages_per_visitor == 0
    assert visit_breakdown(site=site, period=period, filters={}, dimension="page", now=NOW) == []
    points = visit_timeseries(site=site, period=period, filters={}, now=NOW)
    assert len(points) == 30 and not any(p.pageviews for p in points)


def test_live_counts_the_last_five_minutes(site):
    VisitFactory(site=site, timestamp=datetime(2026, 3, 15, 14, 56, tzinfo=UTC), visitor_hash=7)
    VisitFactory(
        site=site, timestamp=datetime(2026, 3, 15, 14, 58, tzinfo=UTC), visitor_hash=7, event="x"
    )
    VisitFactory(site=site, timestamp=datetime(2026, 3, 15, 14, 54, tzinfo=UTC), visitor_hash=8)
    assert visit_live(site=site, now=NOW) == {"visitors": 1, "pageviews": 1}


def test_rollups_are_built_once_for_finished_days_only(known_visits, django_assert_max_num_queries):
    period = week(known_visits)
    visit_totals(site=known_visits, period=period, filters={}, now=NOW)
    days = set(
        DailyRollup.objects.filter(site=known_visits, dimension="").values_list("day", flat=True)
    )
    assert date(2026, 3, 14) in days and date(2026, 3, 2) in days
    assert date(2026, 3, 15) not in days  # today is still running
    with django_assert_max_num_queries(6):
        visit_totals(site=known_visits, period=period, filters={}, now=NOW)
