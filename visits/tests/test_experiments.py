"""Experiments: the statistics against textbook values, the report's figures and verdicts on
known visits, and the report page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sites.funnel_services import experiment_create
from sites.services import goal_create
from visits.models import Visit
from visits.stats.experiments import experiment_report
from visits.stats.periods import period_resolve
from visits.stats.proportions import two_proportion_z_test, wilson_interval
from visits.stats.rollups import rollup_forget
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
DAY = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def test_wilson_interval_matches_newcombe_1998():
    # Newcombe, "Two-sided confidence intervals for the single proportion" (Stat Med 1998),
    # Table I, Wilson score method: 81/263 -> 0.2553-0.3662, 15/148 -> 0.0624-0.1605,
    # 0/20 -> 0-0.1611.
    assert [round(x, 4) for x in wilson_interval(81, 263)] == [0.2553, 0.3662]
    assert [round(x, 4) for x in wilson_interval(15, 148)] == [0.0624, 0.1605]
    assert [round(x, 4) for x in wilson_interval(0, 20)] == [0.0, 0.1611]
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_two_proportion_z_test_by_hand():
    # A: 200/1000 = 0.20, B: 250/1000 = 0.25. Pooled p = 450/2000 = 0.225;
    # SE = sqrt(0.225 * 0.775 * (1/1000 + 1/1000)) = sqrt(0.00034875) = 0.0186748;
    # z = 0.05 / 0.0186748 = 2.6774; two-sided p = 2 * (1 - Phi(2.6774)) = 0.0074.
    test = two_proportion_z_test(200, 1000, 250, 1000)
    assert round(test.z, 4) == 2.6774
    assert round(test.p_value, 4) == 0.0074
    assert round(two_proportion_z_test(250, 1000, 200, 1000).z, 4) == -2.6774
    assert two_proportion_z_test(0, 10, 0, 10) is None  # nobody converts: nothing to test
    assert two_proportion_z_test(1, 0, 1, 10) is None


def _assign(site, variant: str, visitors: int, conversions: int, first_hash: int) -> list[Visit]:
    rows = []
    for number in range(visitors):
        shown = DAY + timedelta(seconds=number)
        common = {"site": site, "visitor_hash": first_hash + number}
        rows.append(
            Visit(
                **common,
                timestamp=shown,
                url="https://blog.example.com/checkout",
                path="/checkout",
                event="checkout_shown",
                props={"exp_checkout": variant},
            )
        )
        if number < conversions:
            rows.append(
                Visit(
                    **common,
                    timestamp=shown + timedelta(minutes=5),
                    url="https://blog.example.com/thanks",
                    path="/thanks",
                )
            )
    return rows


@pytest.fixture
def checkout(site):
    goal = goal_create(site=site, name="Bought", kind="page", value="/thanks")
    return experiment_create(
        site=site, name="Checkout", variant_property="exp_checkout", control="a", goal=goal
    )


def _report(site, experiment, **filters):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    return experiment_report(site=site, experiment=experiment, period=period, filters=filters)


@pytest.mark.django_db
def test_a_clear_winner_on_known_visits(site, checkout):
    Visit.objects.bulk_create(
        _assign(site, "a", 120, 12, 1_000) + _assign(site, "b", 120, 30, 2_000)
    )
    # Not counted: a conversion before the visitor was shown a variant, and a later event of
    # a visitor already in "a" saying "b" (the first variant seen counts).
    VisitFactory(site=site, visitor_hash=3_000, timestamp=DAY - timedelta(minutes=5),
                 url="https://blog.example.com/thanks")  # fmt: skip
    VisitFactory(site=site, visitor_hash=3_000, timestamp=DAY, event="checkout_shown",
                 props={"exp_checkout": "b"})  # fmt: skip
    VisitFactory(site=site, visitor_hash=1_000, timestamp=DAY + timedelta(hours=1),
                 event="checkout_shown", props={"exp_checkout": "b"})  # fmt: skip
    report = _report(site, checkout)
    a, b = report.rows
    # a: 12/120 = 10.00%, Wilson 5.81%-16.67%. b: 30/121 = 24.79%, Wilson 17.95%-33.18%.
    assert (a.variant, a.control, a.visitors, a.conversions, a.rate) == ("a", True, 120, 12, 10.0)
    assert (a.low, a.high, a.uplift, a.p_value) == (5.81, 16.67, None, None)
    assert (b.variant, b.visitors, b.conversions, b.rate) == ("b", 121, 30, 24.79)
    assert (b.low, b.high) == (17.95, 33.18)
    # Uplift: (0.247934 - 0.1) / 0.1 = +147.9%. Pooled p = 42/241 = 0.174274;
    # SE = sqrt(0.174274 * 0.825726 * (1/120 + 1/121)) = 0.048872; z = 0.147934 / 0.048872
    # = 3.0270; two-sided p = 2 * (1 - Phi(3.0270)) = 0.0025.
    assert b.uplift == 147.9
    assert round(b.p_value, 4) == 0.0025
    assert report.winner == "b"
    assert report.verdict.startswith("b wins")
    assert b.verdict == "b converts better than a: +147.9% (p = 0.0025)."


@pytest.mark.django_db
def test_no_winner_when_the_difference_could_be_chance(site, checkout):
    Visit.objects.bulk_create(
        _assign(site, "a", 1000, 200, 10_000) + _assign(site, "b", 1000, 210, 20_000)
    )
    # Pooled p = 410/2000 = 0.205; SE = sqrt(0.205 * 0.795 * 0.002) = 0.018054;
    # z = 0.01 / 0.018054 = 0.5539; two-sided p = 0.5797.
    report = _report(site, checkout)
    assert round(report.rows[1].p_value, 4) == 0.5797
    assert report.winner == ""
    assert report.verdict.startswith("No winner")
    assert report.rows[1].verdict.startswith("No clear difference from a yet (p = 0.5797)")


@pytest.mark.django_db
def test_too_early_below_the_minimum_sample(site, checkout):
    # Significant (p < 0.001) but b has only 99 visitors: no winner yet.
    Visit.objects.bulk_create(
        _assign(site, "a", 300, 15, 10_000) + _assign(site, "b", 99, 40, 20_000)
    )
    report = _report(site, checkout)
    assert report.rows[1].p_value < 0.001
    assert report.winner == ""
    assert report.rows[1].verdict.startswith("Too early to call")
    assert "b: 99 and 40" in report.rows[1].verdict
    assert report.verdict.startswith("Too early to call a winner")


@pytest.mark.django_db
def test_without_the_control_or_any_visitor(site, checkout):
    assert _report(site, checkout).verdict == (
        "No visitor was shown the control, a, in this period."
    )
    Visit.objects.bulk_create(_assign(site, "b", 5, 1, 1))
    # Visits of past days written behind the services' back: drop the days' cache as an
    # import does.
    rollup_forget(site=site)
    report = _report(site, checkout)
    assert [(row.variant, row.visitors) for row in report.rows] == [("a", 0), ("b", 5)]
    assert report.rows[1].uplift is None


@pytest.mark.django_db
def test_event_goals_and_filters(site):
    goal = goal_create(site=site, name="Signed up", kind="event", value="signup")
    experiment = experiment_create(
        site=site, name="Hero", variant_property="exp_hero", control="old", goal=goal
    )
    VisitFactory(site=site, visitor_hash=1, timestamp=DAY, event="hero", props={"exp_hero": "old"})
    VisitFactory(site=site, visitor_hash=1, timestamp=DAY + timedelta(minutes=1), event="signup")
    VisitFactory(site=site, visitor_hash=2, timestamp=DAY, event="hero", props={"exp_hero": "new"},
                 country_code="FR", country="France")  # fmt: skip
    report = _report(site, experiment)
    assert [(r.variant, r.visitors, r.conversions) for r in report.rows] == [
        ("old", 1, 1),
        ("new", 1, 0),
    ]
    filtered = _report(site, experiment, country="FR")
    assert [(r.variant, r.visitors) for r in filtered.rows] == [("old", 0), ("new", 1)]


@pytest.mark.django_db
def test_report_page(owner_client, site, checkout):
    Visit.objects.bulk_create(
        _assign(site, "a", 120, 12, 1_000) + _assign(site, "b", 120, 30, 2_000)
    )
    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(f"/sites/{site.pk}/experiments/{checkout.pk}/?period=7d")
    assert response.status_code == 200
    body = response.content.decode()
    cells = re.findall(r'<td class="num">([^<]*)</td>', body)
    # b: 30/120 = 25%, Wilson 18.11%-33.44%; uplift +150%; p = 0.0022 (see the unit above).
    assert cells == ["120", "12", "10.0%", "5.81% to 16.67%", "—", "—",
                     "120", "30", "25.0%", "18.11% to 33.44%", "+150.0%", "0.0022"]  # fmt: skip
    assert "b wins" in body
    assert "at least" not in body.split("<table")[0]  # the verdict, not the early warning
