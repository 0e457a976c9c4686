"""Rollups give exactly the figures raw visits give, and follow changes to past data."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from sites.services import site_update
from visits.demo import demo_visits_create
from visits.models import DailyRollup, FilteredRollup, ReportDay, Visit
from visits.stats import figures as stats
from visits.stats.breakdowns import visit_breakdown
from visits.stats.dimensions import BREAKDOWNS, DIMENSIONS, ROLLED_FILTERS
from visits.stats.figures import visit_totals
from visits.stats.filters import DIRECT
from visits.stats.goals import visit_goals
from visits.stats.periods import period_resolve
from visits.stats.rollups import rollup_build, rollup_ensure
from visits.stats.timeseries import visit_timeseries

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def figures(site, key, filters=None):
    filters = filters or {}
    period = period_resolve(key=key, tz_name=site.timezone, now=NOW)
    result = {
        "totals": visit_totals(site=site, period=period, filters=filters, now=NOW),
        "series": [
            (p.bucket, p.pageviews, p.visitors)
            for p in visit_timeseries(site=site, period=period, filters=filters, now=NOW)
        ],
    }
    for dimension in BREAKDOWNS:
        result[dimension] = visit_breakdown(
            site=site, period=period, filters=filters, dimension=dimension, now=NOW, limit=50
        )
    return result


def common_value(site, name):
    """The value of filter `name` most of the site's visits have (referrer: its commonest site)."""
    field = DIMENSIONS[name]
    visits = Visit.objects.filter(site=site).exclude(**{field: ""})
    row = visits.values(field).annotate(n=Count("id")).order_by("-n", field).first()
    return row[field] if row else ""


@pytest.mark.parametrize("timezone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_rollups_and_raw_visits_agree(owner, monkeypatch, timezone):
    from sites.services import site_create

    site = site_create(owner=owner, name="Demo", base_url="https://demo.example", timezone=timezone)
    demo_visits_create(site=site, visits=3000, days=70, now=NOW, seed=7)
    from_rollups = {
        key: figures(site, key) for key in ("7d", "30d", "12mo", "month", "day", "yesterday")
    }
    assert DailyRollup.objects.filter(site=site).exists()

    monkeypatch.setattr(stats, "rollup_ensure", lambda **kwargs: date.min)
    from_raw = {key: figures(site, key) for key in from_rollups}
    assert from_rollups == from_raw
    year = from_rollups["12mo"]
    assert year["totals"][0].pageviews > 1500
    # The demo has what the dashboard shows: visits, bounces, time, clicks out, properties.
    assert 0 < year["totals"][0].bounces < year["totals"][0].sessions < year["totals"][0].pageviews
    assert year["totals"][0].visit_duration > 0
    assert {"Outbound Link: Click", "File Download", "signup"} <= {r.value for r in year["event"]}
    assert "url=https://github.com/" in {r.value for r in year["prop"]}
    assert year["entry"] and year["exit"] and year["screen"] and year["campaign"]
    # ... and where visitors came from, grouped: these rows too agree with the raw visits.
    assert {"Organic Search", "Organic Social", "Referral", "Direct", "Email"} <= {
        r.value for r in year["channel"]
    }
    assert {"Google", "Bing", "Twitter"} <= {r.value for r in year["referrer_source"]}


def test_filtered_views_agree_on_every_path(owner, monkeypatch):
    """Every rolled-up filter, direct referrers, rarer filters, a property and two filters give
    the same figures from rollups or the views' per-day cache (cold and warm), from one pass
    over raw visits and from one query per panel, down to visits formed from the matching hits
    only."""
    from sites.services import site_create

    site = site_create(
        owner=owner, name="Demo", base_url="https://demo.example", timezone="Asia/Kolkata"
    )
    demo_visits_create(site=site, visits=2500, days=40, now=NOW, seed=3)
    views = [{name: common_value(site, name)} for name in ROLLED_FILTERS]
    views += [
        {"referrer": DIRECT},
        {"city": common_value(site, "city")},
        {"region": common_value(site, "region")},
        {"prop": "plan=pro"},
        {"country": common_value(site, "country"), "page": "/"},
        {"country": common_value(site, "country"), "device": "mobile", "channel": "Direct"},
    ]
    keys = ("30d", "12mo")

    def all_figures():
        return [{key: figures(site, key, filters) for key in keys} for filters in views]

    from_rollups = all_figures()
    assert FilteredRollup.objects.filter(site=site, filter="page").exists()
    assert ReportDay.objects.filter(site=site, kind="view").exists()
    warm = all_figures()
    monkeypatch.setattr(stats, "rollup_ensure", lambda **kwargs: date.min)
    monkeypatch.setattr(stats, "view_cached", lambda **kwargs: None)
    from_one_pass = all_figures()
    monkeypatch.setattr(stats, "PASS_DIMENSIONS", ())
    from_queries = all_figures()
    for filters, rolled, warmed, passed, queried in zip(
        views, from_rollups, warm, from_one_pass, from_queries, strict=True
    ):
        assert rolled == warmed == passed == queried, filters
        totals = rolled["30d"]["totals"][0]
        assert totals.pageviews + totals.events > 0, filters
    page = from_rollups[ROLLED_FILTERS.index("page")]["30d"]
    # Visits of one page are formed from that page's hits: they enter and leave there.
    assert {row.value for row in page["entry"]} == {views[ROLLED_FILTERS.index("page")]["page"]}


@pytest.mark.parametrize("timezone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_one_pass_gives_each_query_s_rows(owner, timezone):
    from sites.services import site_create
    from visits.stats.daily_rows import daily_rows
    from visits.stats.onepass import PASS_DIMENSIONS, pass_rows

    site = site_create(owner=owner, name="Demo", base_url="https://demo.example", timezone=timezone)
    demo_visits_create(site=site, visits=1500, days=10, now=NOW, seed=5)
    tz = ZoneInfo(timezone)
    for visits in (
        Visit.objects.filter(site=site),
        Visit.objects.filter(site=site, device="mobile"),
    ):
        passed = pass_rows(visits, tz=tz)
        for dimension in PASS_DIMENSIONS:
            queried = daily_rows(visits, tz=tz, dimension=dimension, with_sessions=True)
            assert sorted(passed[dimension], key=repr) == sorted(queried, key=repr), dimension
            assert passed[dimension] or dimension in ("term", "content"), dimension


def test_one_pass_split_by_each_filter_gives_each_query_s_rows(owner):
    """Rollups are built from one read per few days, summed per value of every rolled-up filter:
    each split's rows are the rows one query per filter and dimension gives."""
    from sites.services import site_create
    from visits.stats.daily_rows import daily_rows
    from visits.stats.onepass import PASS_DIMENSIONS, split_pass_rows

    site = site_create(
        owner=owner, name="Demo", base_url="https://demo.example", timezone="America/New_York"
    )
    demo_visits_create(site=site, visits=1200, days=6, now=NOW, seed=11)
    tz = ZoneInfo(site.timezone)
    visits = Visit.objects.filter(site=site)
    passes = split_pass_rows(visits, tz=tz, splits=("", *ROLLED_FILTERS))
    assert set(passes) == {"", *ROLLED_FILTERS}
    for split, rows in passes.items():
        for dimension in PASS_DIMENSIONS:
            queried = daily_rows(
                visits, tz=tz, dimension=dimension, with_sessions=True, split=split
            )
            assert sorted(rows[dimension], key=repr) == sorted(queried, key=repr), (
                split,
                dimension,
            )
        # Split rows carry their filter's value; the visits of one value are its hits' own.
        assert len({row.filter_value for row in rows[""]}) > (1 if split else 0), split


def test_changing_the_timezone_rebuilds_rollups(site):
    Visit.objects.create(
        site=site, url="https://blog.example.com/", timestamp=datetime(2026, 3, 10, 2, tzinfo=UTC)
    )
    rollup_ensure(site=site, first_day=date(2026, 3, 9), last_day=date(2026, 3, 10), now=NOW)
    assert DailyRollup.objects.get(site=site, dimension="", day=date(2026, 3, 10)).pageviews == 1

    site_update(site=site, timezone="America/Los_Angeles")  # 2:00 UTC is the 9th there
    assert not DailyRollup.objects.filter(site=site).exists()
    rollup_ensure(site=site, first_day=date(2026, 3, 9), last_day=date(2026, 3, 10), now=NOW)
    assert DailyRollup.objects.get(site=site, dimension="", day=date(2026, 3, 9)).pageviews == 1


def test_rebuilding_replaces_and_never_doubles(site):
    Visit.objects.create(
        site=site, url="https://blog.example.com/", timestamp=datetime(2026, 3, 10, 12, tzinfo=UTC)
    )
    for _ in range(2):
        rollup_build(site=site, first_day=date(2026, 3, 10), last_day=date(2026, 3, 10))
    assert DailyRollup.objects.filter(site=site, dimension="").count() == 1
    assert DailyRollup.objects.filter(site=site, dimension="page").get().pageviews == 1


def test_empty_days_are_marked_done(site):
    rollup_ensure(site=site, first_day=date(2026, 3, 1), last_day=date(2026, 3, 20), now=NOW)
    days = set(DailyRollup.objects.filter(site=site, dimension="").values_list("day", flat=True))
    assert days == {date(2026, 3, 1) + timedelta(days=n) for n in range(14)}  # up to the 14th


def test_seed_demo_creates_owner_site_and_rollups():
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", "--visits", "2000", "--days", "20", stdout=out)
    text = out.getvalue()
    assert "Demo owner: demo-" in text and "password: " in text
    assert "Added 2000 visits over 20 days" in text
    visits = Visit.objects.all()
    assert visits.count() == 2000
    assert visits.values("path").distinct().count() > 5
    assert visits.values("country_code").distinct().count() > 5
    assert visits.exclude(event="pageview").exists()
    assert DailyRollup.objects.filter(dimension="").count() >= 19
    # The demo site comes with goals, and its visitors reach them.
    site = Visit.objects.first().site
    period = period_resolve(key="30d", tz_name=site.timezone, now=timezone.now())
    totals, _ = visit_totals(site=site, period=period, filters={}, now=timezone.now())
    goals = visit_goals(
        site=site, period=period, filters={}, now=timezone.now(), total_visitors=totals.visitors
    )
    assert [goal.name for goal in goals] == [
        "Purchased",
        "Read the docs",
        "Saw pricing",
        "Signed up",
    ]
    assert all(0 < goal.visitors <= goal.completions for goal in goals)
    assert all(0 < goal.rate < 100 for goal in goals)


def test_seed_demo_fills_an_existing_site(site):
    call_command("seed_demo", "--visits", "500", "--days", "3", "--site", str(site.pk), stdout=None)
    assert site.visits.count() == 500


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "99999"], "There is no site"),
        (["--days", "0"], "--days"),
        (["--visits", "-1"], "--visits"),
    ],
)
def test_seed_demo_bad_arguments(args, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", *args)
