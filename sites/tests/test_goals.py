from datetime import UTC, datetime

import pytest

from sites.models import Goal
from sites.services import MAX_GOALS_PER_SITE, goal_create
from visits.stats.figures import visit_totals
from visits.stats.goals import visit_goals
from visits.stats.periods import period_resolve
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def funnel(site):
    def visit(hour, path, visitor, event="pageview"):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 14, hour, tzinfo=UTC),
            url=f"https://blog.example.com{path}",
            visitor_hash=visitor,
            event=event,
        )

    for visitor in (1, 2, 3, 4):
        visit(9, "/", visitor)
    visit(10, "/pricing", 1)
    visit(10, "/pricing", 2)
    visit(11, "/thanks", 1)
    visit(11, "/signup", 1, event="signup")
    visit(12, "/blog/a", 3)
    visit(12, "/blog/b", 3)
    visit(13, "/blog/a", 4)
    visit(13, "/blogroll", 4)  # not under /blog/
    goal_create(site=site, name="Bought", kind="page", value="/thanks")
    goal_create(site=site, name="Signed up", kind="event", value="signup")
    goal_create(site=site, name="Read the blog", kind="page", value="/blog/*")
    goal_create(site=site, name="Never", kind="event", value="nothing")
    return site


def test_goal_conversions_on_known_visits(mode, funnel):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    totals, _ = visit_totals(site=funnel, period=period, filters={}, now=NOW)
    assert totals.visitors == 4
    rows = visit_goals(
        site=funnel, period=period, filters={}, now=NOW, total_visitors=totals.visitors
    )
    assert [(r.name, r.visitors, r.completions, r.rate) for r in rows] == [
        ("Bought", 1, 1, 25.0),
        ("Never", 0, 0, 0.0),
        ("Read the blog", 2, 3, 50.0),
        ("Signed up", 1, 1, 25.0),
    ]


def test_goal_conversions_follow_filters(funnel):
    period = period_resolve(key="7d", tz_name="UTC", now=NOW)
    rows = visit_goals(
        site=funnel, period=period, filters={"page": "/blog/a"}, now=NOW, total_visitors=2
    )
    assert {r.name: r.visitors for r in rows} == {
        "Bought": 0,
        "Never": 0,
        "Read the blog": 2,
        "Signed up": 0,
    }


def test_dashboard_shows_goals(owner_client, funnel):
    import time_machine

    with time_machine.travel(NOW, tick=False):
        response = owner_client.get(f"/sites/{funnel.pk}/stats/?period=7d")
    body = response.content.decode()
    assert "Read the blog" in body and "50.0%" in body


def test_goal_pages_add_list_and_remove(owner_client, site):
    page = owner_client.get(f"/sites/{site.pk}/goals/")
    assert page.status_code == 200 and "No goals yet." in page.content.decode()
    response = owner_client.post(
        f"/sites/{site.pk}/goals/", {"name": "Thanks", "kind": "page", "value": "/thanks"}
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.site, goal.value) == (site, "/thanks")
    assert "Thanks" in owner_client.get(f"/sites/{site.pk}/goals/").content.decode()
    assert owner_client.post(f"/sites/{site.pk}/goals/{goal.pk}/delete/").status_code == 302
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X", "kind": "page", "value": "thanks"}, "value"),
        ({"name": "X", "kind": "page", "value": ""}, "value"),
        ({"name": "", "kind": "event", "value": "signup"}, "name"),
        ({"name": "X", "kind": "colour", "value": "/x"}, "kind"),
    ],
)
def test_invalid_goals_are_form_errors(owner_client, site, data, field):
    response = owner_client.post(f"/sites/{site.pk}/goals/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Goal.objects.exists()


def test_duplicate_and_too_many_goals_are_refused(owner_client, site):
    goal_create(site=site, name="One", kind="event", value="e0")
    duplicate = owner_client.post(
        f"/sites/{site.pk}/goals/", {"name": "Again", "kind": "event", "value": "e0"}
    )
    assert duplicate.status_code == 200
    for number in range(1, MAX_GOALS_PER_SITE):
        goal_create(site=site, name=f"G{number}", kind="event", value=f"e{number}")
    response = owner_client.post(
        f"/sites/{site.pk}/goals/", {"name": "More", "kind": "event", "value": "more"}
    )
    assert response.status_code == 200
    assert f"at most {MAX_GOALS_PER_SITE} goals" in response.content.decode()
    assert Goal.objects.count() == MAX_GOALS_PER_SITE


def test_other_owners_goals_are_404(owner_client, other_site):
    goal = goal_create(site=other_site, name="Theirs", kind="event", value="x")
    assert owner_client.get(f"/sites/{other_site.pk}/goals/").status_code == 404
    assert owner_client.post(f"/sites/{other_site.pk}/goals/{goal.pk}/delete/").status_code == 404
    assert owner_client.get(f"/admin/sites/goal/{goal.pk}/change/").status_code == 404
    assert "Theirs" not in owner_client.get("/admin/sites/goal/").content.decode()
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_admin_offers_only_own_sites_for_goals(owner_client, site, other_site):
    body = owner_client.get("/admin/sites/goal/add/").content.decode()
    assert "Blog" in body and "Shop" not in body
