"""The dashboard filter of a funnel's drop-off (`dropped=<funnel>.<step>`): exactly the
visitors who went no further, for the period and the one before, with the other filters, as
links from the funnel's page, and refused with a 400 when it names no later step."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sites.funnel_services import funnel_create
from visits.ingest.bulk import statistics_refresh
from visits.models import Visit
from visits.stats.figures import visit_totals
from visits.stats.funnel_filter import dropped_filter
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
YESTERDAY = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def visit(site, visitor, start, paths, country="DE"):
    for minute, step in paths:
        path, event = step if isinstance(step, tuple) else (step, "pageview")
        VisitFactory(
            site=site,
            visitor_hash=visitor,
            timestamp=start + timedelta(minutes=minute),
            url=f"https://blog.example.com{path}",
            event=event,
            country_code=country,
        )


@pytest.fixture
def funnel(signup_funnel):
    return signup_funnel


@pytest.fixture
def known_visits(site):
    visit(site, 1, YESTERDAY, [(0, "/"), (1, "/pricing"), (2, ("/pricing", "signup"))], "FR")
    visit(site, 2, YESTERDAY, [(0, "/"), (1, "/pricing")])  # stops before step 3
    visit(site, 3, YESTERDAY, [(0, "/"), (1, "/about")], "FR")  # stops before step 2
    visit(site, 4, YESTERDAY, [(0, "/"), (40, "/pricing")])  # /pricing in a later visit
    visit(site, 5, YESTERDAY, [(0, "/blog")])  # never in the funnel
    visit(site, 6, YESTERDAY - timedelta(days=9), [(0, "/")])  # the week before: step 1 only


def resolve(site, value, key="7d", **filters):
    period = period_resolve(key=key, tz_name="UTC", now=NOW)
    return period, dropped_filter(site=site, value=value, period=period, filters=filters)


def test_exactly_the_visitors_who_went_no_further(site, funnel, known_visits):
    _, before_pricing = resolve(site, f"{funnel.pk}.2")
    _, before_signup = resolve(site, f"{funnel.pk}.3")
    assert before_pricing.visitors == {3, 4, 6}  # 6 is in the week before, also shown
    assert before_signup.visitors == {2}
    assert before_pricing == f"{funnel.pk}.2"  # the parameter as links keep it
    assert before_pricing.label == "Signup, before step 2 (/pricing)"


def test_the_other_filters_narrow_it(site, funnel, known_visits):
    _, french = resolve(site, f"{funnel.pk}.2", country="FR")
    assert french.visitors == {3}


def test_figures_of_the_period_and_the_one_before(site, funnel, known_visits):
    period, dropped = resolve(site, f"{funnel.pk}.2")
    with time_machine.travel(NOW, tick=False):
        totals, previous = visit_totals(
            site=site, period=period, filters={"dropped": dropped}, now=NOW
        )
    # Visitors 3 and 4 this week: 4 pageviews (/, /about, /, /pricing) in 3 visits.
    assert (totals.visitors, totals.pageviews, totals.sessions) == (2, 4, 3)
    assert (previous.visitors, previous.pageviews) == (1, 1)


def test_the_dashboard_shows_the_drop_off_with_its_chip(owner_client, site, funnel, known_visits):
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(
            f"/sites/{site.pk}/stats/?period=7d&dropped={funnel.pk}.2&country=FR"
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dropped off: <strong>Signup, before step 2 (/pricing)</strong>" in body
    headline = response.context["headline"]
    assert {label: value for label, value, _ in headline}["Unique visitors"] == 1
    assert f"dropped={funnel.pk}.2" not in response.context["clear_filters"]
    pages = next(panel for panel in response.context["panels"] if panel["dimension"] == "page")
    assert [(row.value, row.visitors) for row, _ in pages["rows"]] == [("/", 1), ("/about", 1)]


def test_the_funnel_page_links_each_drop_off(owner_client, site, funnel, known_visits):
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get(f"/sites/{site.pk}/funnels/{funnel.pk}/?period=7d").content
    body = body.decode()
    for step in (2, 3):
        assert f"/sites/{site.pk}/stats/?period=7d&amp;dropped={funnel.pk}.{step}" in body
    assert f"dropped={funnel.pk}.1" not in body


@pytest.mark.parametrize("value", ["x", "1", "99.2", "{funnel}.1", "{funnel}.9", "{other}.2"])
def test_a_filter_naming_no_later_step_is_a_400(
    owner_client, site, other_site, funnel, known_visits, value
):
    theirs = funnel_create(
        site=other_site,
        name="Theirs",
        steps=[{"kind": "page", "value": "/"}, {"kind": "page", "value": "/b"}],
    )
    value = value.format(funnel=funnel.pk, other=theirs.pk)
    response = owner_client.get(f"/sites/{site.pk}/stats/?dropped={value}")
    assert response.status_code == 400
    assert "step" in response.context["segment_error"]


def test_more_visitors_than_the_database_takes_parameters(site, funnel):
    # SQLite takes at most 32,766 parameters in one statement: the filter passes one.
    Visit.objects.bulk_create(
        VisitFactory.build(
            site=site,
            visitor_hash=number,
            timestamp=YESTERDAY,
            url="https://blog.example.com/",
        )
        for number in range(1, 40_001)
    )
    statistics_refresh(models=[Visit])  # as a bulk load does; the planner saw an empty table
    period, dropped = resolve(site, f"{funnel.pk}.2")
    assert len(dropped.visitors) == 40_000
    with time_machine.travel(NOW, tick=False):
        totals, _ = visit_totals(site=site, period=period, filters={"dropped": dropped}, now=NOW)
    assert totals.visitors == 40_000
