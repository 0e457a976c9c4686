"""Revenue goals: one currency each, on event goals only; managers and owners define them,
viewers read their figures."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from sites.models import Goal
from sites.services import goal_create
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
SALES = {"name": "Sales", "kind": "event", "value": "purchase", "currency": "eur"}


def test_the_goals_form_makes_a_revenue_goal(owner_client, site):
    page = owner_client.get(f"/sites/{site.pk}/goals/").content.decode()
    assert 'name="currency"' in page
    assert owner_client.post(f"/sites/{site.pk}/goals/", SALES).status_code == 302
    assert Goal.objects.get().currency == "EUR"
    listed = owner_client.get(f"/sites/{site.pk}/goals/").content.decode()
    assert "with revenue in EUR" in listed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"currency": "E1R"}, "three-letter"),
        ({"currency": "EURO"}, "at most 3 characters"),
        ({"currency": "QQQ"}, "not an ISO 4217"),
        ({"kind": "page", "value": "/thanks"}, "Only an event goal"),
    ],
)
def test_the_goals_form_refuses_bad_currencies(owner_client, site, fields, message):
    response = owner_client.post(f"/sites/{site.pk}/goals/", {**SALES, **fields})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Goal.objects.exists()


def test_managers_and_owners_define_revenue_goals_viewers_cannot(as_user, site):
    url = f"/sites/{site.pk}/goals/"
    assert as_user("viewer").post(url, SALES).status_code == 403
    assert as_user("stranger").post(url, SALES).status_code == 404
    assert not Goal.objects.exists()
    assert as_user("manager").post(url, SALES).status_code == 302
    assert Goal.objects.get().currency == "EUR"


def test_the_admin_edits_a_goals_currency(as_user, site):
    goal = goal_create(site=site, name="Sales", kind="event", value="purchase")
    url = f"/admin/sites/goal/{goal.pk}/change/"
    form = {
        "site": site.pk,
        "name": "Sales",
        "kind": "event",
        "value": "purchase",
        "currency": "CHF",
    }
    assert as_user("viewer").post(url, form).status_code == 403
    assert as_user("manager").post(url, form).status_code == 302
    assert Goal.objects.get().currency == "CHF"
    bad = as_user("owner").post(url, {**form, "currency": "ZZZ"})
    assert bad.status_code == 200 and "not an ISO 4217" in bad.content.decode()


def test_viewers_read_revenue_in_the_dashboard_and_the_api(as_user, api_as, site):
    goal_create(site=site, name="Sales", kind="event", value="purchase", currency="EUR")
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 14, 9, tzinfo=UTC),
        event="purchase",
        revenue_amount=Decimal("42.00"),
        revenue_currency="EUR",
    )
    with time_machine.travel(NOW, tick=False):
        html = as_user("viewer").get(f"/sites/{site.pk}/stats/?period=7d").content.decode()
        api = api_as("viewer")
        body = api.get(f"/api/v1/sites/{site.pk}/revenue/?period=7d").json()
        refused = api.post(
            f"/api/v1/sites/{site.pk}/goals/",
            {"name": "More", "kind": "event", "value": "x", "currency": "EUR"},
            format="json",
        )
        stranger = api_as("stranger").get(f"/api/v1/sites/{site.pk}/revenue/")
    assert "42.00 EUR" in html
    assert body["goals"][0]["revenue"] == "42.00"
    assert refused.status_code == 403
    assert stranger.status_code == 404
