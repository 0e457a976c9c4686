"""The per-day cache of the funnel, journey and experiment reports: the same figures as reading
raw visits (midnight in Europe/Berlin, repeated and out-of-order steps), no raw read of cached
days, a new key for a new definition, and the cache dropped when past visits change."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sites.funnel_services import experiment_create, funnel_create
from sites.models import FunnelStep
from sites.services import goal_create, site_update
from visits.importers.hits import ImportedHit
from visits.importers.service import visits_import
from visits.models import ReportDay, Visit
from visits.services import visits_delete
from visits.stats import journeys
from visits.stats.experiments import experiment_report
from visits.stats.funnels import funnel_report
from visits.stats.journeys import JourneyParams, journey_report
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
pytestmark = pytest.mark.django_db


def hit(site, visitor, at, path, event="pageview", props=None, **fields):
    VisitFactory(
        site=site,
        timestamp=at,
        url=f"https://blog.example.com{path}",
        visitor_hash=visitor,
        event=event,
        props=props or {},
        **fields,
    )


def utc(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def berlin_site(site):
    site_update(site=site, timezone=BERLIN)
    site.refresh_from_db()
    return site


@pytest.fixture
def known_visits(berlin_site):
    site = berlin_site
    # 1: every step, in order, on the 10th.
    hit(site, 1, utc(10, 9), "/")
    hit(site, 1, utc(10, 9, 5), "/pricing")
    hit(site, 1, utc(10, 9, 10), "/pricing", "signup", {"plan": "pro"})
    # 2: repeated steps count once; out of order (/pricing before /) gets one step.
    hit(site, 2, utc(11, 9), "/pricing")
    hit(site, 2, utc(11, 9, 1), "/")
    hit(site, 2, utc(11, 9, 2), "/")
    # 3: 22:50 and 23:05 UTC are 23:50 on the 12th and 00:05 on the 13th in Berlin: midnight
    # ends the visit, so /pricing is no second step (it would be in UTC).
    hit(site, 3, utc(12, 22, 50), "/")
    hit(site, 3, utc(12, 23, 5), "/pricing")
    # 4: 21:50 and 22:05 UTC are both the 12th in Berlin: one visit of two steps (from France,
    # as are 5 and 7: every other hit is from Germany).
    hit(site, 4, utc(12, 21, 50), "/", country_code="FR")
    hit(site, 4, utc(12, 22, 5), "/pricing", country_code="FR")
    # 5: today (the 15th), read raw on every read.
    hit(site, 5, utc(15, 9), "/", country_code="FR")
    hit(site, 5, utc(15, 9, 5), "/pricing", country_code="FR")
    hit(site, 5, utc(15, 9, 6), "/pricing", "signup", {"plan": "pro"}, country_code="FR")
    # 6: variants of an experiment: a shown on the 11th and converting, b shown twice.
    hit(site, 6, utc(11, 10), "/", "view", {"exp": "a"})
    hit(site, 6, utc(11, 10, 5), "/thanks")
    hit(site, 7, utc(12, 23, 30), "/", "view", {"exp": "b"}, country_code="FR")  # the 13th
    hit(site, 7, utc(12, 23, 40), "/thanks", country_code="FR")
    hit(site, 7, utc(13, 9), "/", "view", {"exp": "a"}, country_code="FR")  # still b
    hit(site, 8, utc(14, 9), "/thanks")  # converted before being shown: not a conversion
    hit(site, 8, utc(14, 9, 5), "/", "view", {"exp": "b"})
    return site


@pytest.fixture
def signup(berlin_site):
    return funnel_create(
        site=berlin_site,
        name="Signup",
        steps=[
            {"kind": "page", "value": "/"},
            {"kind": "page", "value": "/pricing"},
            {"kind": "event", "value": "signup", "prop_key": "plan", "prop_value": "pro"},
        ],
    )


@pytest.fixture
def checkout(berlin_site):
    goal = goal_create(site=berlin_site, name="Bought", kind="page", value="/thanks")
    return experiment_create(
        site=berlin_site, name="Checkout", variant_property="exp", control="a", goal=goal
    )


def period(key="7d", **custom):
    return period_resolve(key=key, tz_name=BERLIN, now=NOW, **custom)


def raw(read):
    """The report as read before the cache: at the period's first midnight no day of it has
    ended, so every day is read from raw visits."""
    with time_machine.travel(period().start, tick=False):
        return read()


def cached(read):
    with time_machine.travel(NOW, tick=False):
        return read()


def raw_reads(read):
    """The queries of `read` that touched raw visits."""
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        result = read()
    table = Visit._meta.db_table
    return result, [q["sql"] for q in queries if f'"{table}"' in q["sql"]]


def funnel_figures(rows):
    return [(row.visitors, row.dropped) for row in rows]


def test_funnel_cached_equals_raw(known_visits, signup):
    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=period(), filters={})
        )

    expected = raw(read)
    assert not ReportDay.objects.exists()
    # Visitor 1 (the 10th) and 5 (today) all steps, 4 two, 2 and 3 only the first.
    assert expected == [(5, 0), (3, 2), (2, 1)]
    assert cached(read) == expected  # cold: computes and stores the finished days
    assert ReportDay.objects.filter(kind="funnel").count() == 7 - 1  # every day but today
    again, reads = raw_reads(read)
    assert again == expected
    # Only today is read raw: one query for its hits, none for the cached days.
    assert len(reads) == 1


def test_funnel_of_past_days_reads_no_visit_once_cached(known_visits, signup):
    past = period("custom", start="2026-03-09", end="2026-03-14")

    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=past, filters={})
        )

    first, first_reads = raw_reads(read)
    assert first == [(4, 0), (2, 2), (1, 1)]
    assert len(first_reads) == 1  # one raw pass for the run of six missing days
    again, reads = raw_reads(read)
    assert again == first and reads == []


def test_a_missing_run_between_cached_days_is_read_in_one_pass(known_visits, signup):
    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=period(), filters={})
        )

    expected = cached(read)
    ReportDay.objects.filter(day__in=[date(2026, 3, 11), date(2026, 3, 12)]).delete()
    again, reads = raw_reads(read)
    assert again == expected
    assert len(reads) == 2  # the 11th and 12th together, and today
    assert ReportDay.objects.count() == 6


# One rolled-up filter is cached per value; the rest is read raw and never stored.
CACHED_FILTERS = [{"country": "FR"}, {"country": "DE"}, {"country": "US"}, {"page": "/"}]
RAW_FILTERS = [{"city": "Paris"}, {"country": "FR", "page": "/"}, {"prop": "exp=a"}]


def report_reads(site, signup, checkout, filters):
    """Every report's figures under `filters`: a funnel, two journey queries, an experiment."""
    return [
        funnel_figures(funnel_report(site=site, funnel=signup, period=period(), filters=filters)),
        *(
            journey_rows(journey_report(site=site, period=period(), filters=filters, params=p))
            for p in (JourneyParams(), JourneyParams(entry="/", steps=2))
        ),
        [
            (row.variant, row.visitors, row.conversions)
            for row in experiment_report(
                site=site, experiment=checkout, period=period(), filters=filters
            ).rows
        ],
    ]


@pytest.mark.parametrize("filters", CACHED_FILTERS)
def test_filtered_reports_cached_equal_raw(known_visits, signup, checkout, filters):
    def read():
        return report_reads(known_visits, signup, checkout, filters)

    expected = raw(read)
    assert not ReportDay.objects.exists()
    assert cached(read) == expected  # cold: computes and stores the finished days
    assert ReportDay.objects.exists()
    again, reads = raw_reads(read)
    assert again == expected
    # Today only: the funnel's hits, each journey query's, the experiment's exposures and goal.
    assert len(reads) == 5
    # The unfiltered reports keep days of their own.
    unfiltered = report_reads(known_visits, signup, checkout, {})
    assert cached(lambda: report_reads(known_visits, signup, checkout, {})) == unfiltered
    assert raw(lambda: report_reads(known_visits, signup, checkout, {})) == unfiltered
    assert cached(read) == expected


def test_filtered_reports_count_the_filters_visits(known_visits, signup, checkout):
    cached(lambda: report_reads(known_visits, signup, checkout, {"country": "FR"}))
    funnel, _journeys, _from_home, experiment = cached(
        lambda: report_reads(known_visits, signup, checkout, {"country": "FR"})
    )
    assert funnel == [(2, 0), (2, 0), (1, 1)]  # visitor 4 (the 12th), 5 (today)
    assert experiment == [("a", 0, 0), ("b", 1, 1)]  # visitor 7 on the 13th


@pytest.mark.parametrize("filters", RAW_FILTERS)
def test_other_filtered_reports_read_raw_and_store_nothing(known_visits, signup, checkout, filters):
    def read():
        return report_reads(known_visits, signup, checkout, filters)

    expected = raw(read)
    again, reads = raw_reads(read)
    assert again == expected
    assert len(reads) == 5  # the whole period, again, in the same queries as today alone
    assert not ReportDay.objects.exists()


def test_editing_a_funnels_steps_never_reads_old_figures(known_visits, signup):
    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=period(), filters={})
        )

    assert cached(read) == [(5, 0), (3, 2), (2, 1)]
    FunnelStep.objects.filter(funnel=signup, position=1).update(value="/pricing")
    # Now /pricing, /pricing again (never reached: one hit is one step), signup.
    edited = raw_reads(read)[0]
    assert edited == [(5, 0), (0, 5), (0, 0)]
    assert raw(read) == edited


def journey_rows(report):
    return report.visits, [(row.pages, row.visitors, row.visits) for row in report.rows]


@pytest.mark.parametrize("params", [JourneyParams(), JourneyParams(entry="/", steps=2),
                                    JourneyParams(exit="/pricing", steps=5)])  # fmt: skip
def test_journeys_cached_equal_raw(known_visits, params):
    def read():
        return journey_rows(
            journey_report(site=known_visits, period=period(), filters={}, params=params)
        )

    expected = raw(read)
    assert cached(read) == expected
    again, reads = raw_reads(read)
    assert again == expected and len(reads) == 1  # today only


def test_journeys_around_midnight_in_berlin(known_visits):
    def read():
        return journey_rows(
            journey_report(
                site=known_visits, period=period(), filters={}, params=JourneyParams(entry="/")
            )
        )

    cached(read)
    visits, rows = cached(read)
    # Visitor 3's /pricing after midnight starts a visit of its own, which is not from /.
    assert rows == [(("/", "/pricing"), 3, 3), (("/",), 1, 1)]  # 1, 4 and 5 (today); 3
    assert visits == 4


def test_a_day_of_too_many_paths_is_read_raw_every_time(known_visits, monkeypatch):
    monkeypatch.setattr(journeys, "MAX_CACHED_PATHS", 1)

    def read():
        return journey_rows(
            journey_report(site=known_visits, period=period(), filters={}, params=JourneyParams())
        )

    expected = cached(read)
    # The 11th, 12th and 13th (Berlin) have two paths each: not kept; the others at most one.
    kept = set(ReportDay.objects.values_list("day", flat=True))
    assert kept == {date(2026, 3, day) for day in (9, 10, 14)}
    again, reads = raw_reads(read)
    assert again == expected == raw(read)
    assert len(reads) == 2  # the 11th to 13th in one pass, and today


def test_experiment_cached_equals_raw(known_visits, checkout):
    def read():
        report = experiment_report(
            site=known_visits, experiment=checkout, period=period(), filters={}
        )
        return [(row.variant, row.visitors, row.conversions) for row in report.rows]

    expected = raw(read)
    # a: visitor 6 (converted) and 7 on the 13th is b's already; b: 7 (converted), 8 (not).
    assert expected == [("a", 1, 1), ("b", 2, 1)]
    assert cached(read) == expected
    again, reads = raw_reads(read)
    assert again == expected
    assert len(reads) == 2  # today only: its exposures, then its goal hits


def test_an_import_drops_the_cache_of_its_days(known_visits, signup):
    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=period(), filters={})
        )

    before = cached(read)
    with time_machine.travel(NOW, tick=False):
        visits_import(
            site=known_visits,
            items=[
                ImportedHit(timestamp=utc(10, 12), url="https://blog.example.com/", key="a"),
                ImportedHit(
                    timestamp=utc(10, 12, 1), url="https://blog.example.com/pricing", key="b"
                ),
            ],
        )
    assert not ReportDay.objects.filter(day=date(2026, 3, 10)).exists()
    assert ReportDay.objects.filter(day=date(2026, 3, 11)).exists()
    after = cached(read)
    assert after == raw(read)
    assert after[0][0] == before[0][0] + 1  # the imported visitor reached the first step


def test_deleting_visits_drops_the_cache_of_their_days(known_visits, signup):
    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=period(), filters={})
        )

    cached(read)
    visits_delete(visits=Visit.objects.filter(visitor_hash=1))
    assert not ReportDay.objects.filter(day=date(2026, 3, 10)).exists()
    assert cached(read) == [(4, 0), (2, 2), (1, 1)]


def test_a_new_time_zone_drops_the_cache(known_visits, signup):
    def read(tz):
        the_period = period_resolve(key="7d", tz_name=tz, now=NOW)
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=the_period, filters={})
        )

    cached(lambda: read(BERLIN))
    site_update(site=known_visits, timezone="UTC")
    assert not ReportDay.objects.exists()
    # In UTC visitor 3's visit no longer ends at midnight: /, /pricing is two steps.
    assert cached(lambda: read("UTC")) == [(5, 0), (4, 1), (2, 2)]


def test_funnel_page_serves_cached_days(owner_client, known_visits, signup):
    url = f"/sites/{known_visits.pk}/funnels/{signup.pk}/"
    url += "?period=custom&from=2026-03-09&to=2026-03-14"
    with time_machine.travel(NOW, tick=False):
        first = owner_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = owner_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.context["rows"][0][0].visitors == second.context["rows"][0][0].visitors == 4
    table = Visit._meta.db_table
    assert not [q for q in queries if f'"{table}"' in q["sql"]]


def test_purging_old_visits_drops_the_cache_of_their_days(known_visits, signup):
    def read():
        return funnel_figures(
            funnel_report(site=known_visits, funnel=signup, period=period(), filters={})
        )

    cached(read)
    with time_machine.travel(NOW, tick=False):
        call_command("purge_visits", "--days", "4", stdout=StringIO())  # before the 11th, 16:00
    kept = set(ReportDay.objects.values_list("day", flat=True))
    assert kept == {date(2026, 3, day) for day in (12, 13, 14)}
    # Visitor 1 (the 10th) and 2 (the 11th, 09:00 UTC) are gone.
    assert cached(read) == raw(read) == [(3, 0), (2, 1), (1, 1)]
