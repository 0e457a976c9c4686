"""Funnels and experiments in the API: defining them, their reports, bad input, roles."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.services import user_register
from api.models import SCOPES
from api.services import token_create
from sites.models import Experiment, Funnel, Membership, Role
from sites.services import goal_create
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db

STEPS = [
    {"kind": "page", "value": "/"},
    {"kind": "page", "value": "/pricing"},
    {"kind": "event", "value": "signup", "prop_key": "plan", "prop_value": "pro"},
]


def _client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {token_create(owner=user, name='s', scopes=tuple(SCOPES))[1]}"
    )
    return client


@pytest.fixture
def teammate(site):
    def make(role):
        user = user_register(email=f"{role or 'nobody'}@example.net", password="long passphrase 42")
        if role:
            Membership.objects.create(site=site, user=user, role=role)
        return _client_for(user)

    return make


def _hit(site, visitor, minute, path, event="pageview", props=None):
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 14, 9, tzinfo=UTC) + timedelta(minutes=minute),
        url=f"https://blog.example.com{path}",
        visitor_hash=visitor,
        event=event,
        props=props or {},
    )


def test_a_funnel_is_added_listed_reported_and_removed(api, site):
    base = f"/api/v1/sites/{site.pk}/funnels/"
    created = api.post(base, {"name": "Signup", "steps": STEPS}, format="json")
    assert created.status_code == 201
    funnel_id = created.json()["id"]
    assert created.json()["steps"][2] == {
        "kind": "event",
        "value": "signup",
        "prop_key": "plan",
        "prop_value": "pro",
    }
    assert [funnel["name"] for funnel in api.get(base).json()] == ["Signup"]
    _hit(site, 1, 0, "/")
    _hit(site, 1, 1, "/pricing")
    _hit(site, 1, 2, "/pricing", "signup", {"plan": "pro"})
    _hit(site, 2, 0, "/")
    _hit(site, 2, 45, "/pricing")  # a new visit: not the second step
    with time_machine.travel(NOW, tick=False):
        report = api.get(f"{base}{funnel_id}/", {"period": "7d"})
    assert report.status_code == 200
    body = report.json()
    assert body["period"]["key"] == "7d" and body["funnel"]["name"] == "Signup"
    assert [
        (step["visitors"], step["from_first"], step["from_previous"], step["dropped"])
        for step in body["steps"]
    ] == [(2, 100.0, 100.0, 0), (1, 50.0, 50.0, 1), (1, 50.0, 100.0, 0)]
    assert api.delete(f"{base}{funnel_id}/").status_code == 204
    assert not Funnel.objects.exists()


NINE = [{"kind": "page", "value": f"/{number}"} for number in range(9)]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"name": "One", "steps": STEPS[:1]}, "steps"),
        ({"name": "Nine", "steps": NINE}, "steps"),
        ({"name": "Bad kind", "steps": [{"kind": "x", "value": "/"}, STEPS[1]]}, "steps"),
        ({"name": "Slash", "steps": [{"kind": "page", "value": "a"}, STEPS[1]]}, "Step 1: A page"),
        ({"steps": STEPS}, "name"),
    ],
)
def test_bad_funnels_are_a_400_with_a_json_error(api, site, payload, words):
    response = api.post(f"/api/v1/sites/{site.pk}/funnels/", payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert words in response.content.decode()
    assert not Funnel.objects.exists()


def test_a_bad_period_is_a_400(api, site):
    funnel = api.post(f"/api/v1/sites/{site.pk}/funnels/", {"name": "F", "steps": STEPS},
                      format="json").json()  # fmt: skip
    response = api.get(f"/api/v1/sites/{site.pk}/funnels/{funnel['id']}/", {"period": "week"})
    assert response.status_code == 400 and "period" in response.json()


def test_an_experiment_is_added_and_reported(api, site):
    goal = goal_create(site=site, name="Bought", kind="page", value="/thanks")
    base = f"/api/v1/sites/{site.pk}/experiments/"
    created = api.post(
        base,
        {"name": "Checkout", "variant_property": "exp_checkout", "control": "a", "goal": goal.pk},
        format="json",
    )
    assert created.status_code == 201
    for visitor, variant in ((1, "a"), (2, "a"), (3, "b")):
        _hit(site, visitor, 0, "/checkout", "shown", {"exp_checkout": variant})
    _hit(site, 1, 1, "/thanks")
    with time_machine.travel(NOW, tick=False):
        body = api.get(f"{base}{created.json()['id']}/", {"period": "7d"}).json()
    variants = body["variants"]
    assert [(v["variant"], v["visitors"], v["conversions"], v["rate"]) for v in variants] == [
        ("a", 2, 1, 50.0),
        ("b", 1, 0, 0.0),
    ]
    assert body["winner"] == "" and body["verdict"].startswith("Too early")
    assert body["variants"][1]["uplift"] == -100.0
    assert (body["min_visitors"], body["min_conversions"]) == (100, 10)


def test_an_experiment_with_another_sites_goal_is_refused(api, site, other_site):
    foreign = goal_create(site=other_site, name="Theirs", kind="page", value="/x")
    response = api.post(
        f"/api/v1/sites/{site.pk}/experiments/",
        {"name": "X", "variant_property": "exp", "control": "a", "goal": foreign.pk},
        format="json",
    )
    assert response.status_code == 400 and "goal" in response.json()
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [(Role.VIEWER, 200, 403), (Role.MANAGER, 200, 201), (None, 404, 404)],
)
def test_roles(teammate, site, role, read, write):
    client = teammate(role)
    base = f"/api/v1/sites/{site.pk}/"
    assert client.get(base + "funnels/").status_code == read
    assert client.get(base + "experiments/").status_code == read
    response = client.post(base + "funnels/", {"name": "F", "steps": STEPS}, format="json")
    assert response.status_code == write
    assert Funnel.objects.count() == (1 if write == 201 else 0)


def test_read_only_tokens_only_read(read_api, site):
    response = read_api.post(
        f"/api/v1/sites/{site.pk}/funnels/", {"name": "F", "steps": STEPS}, format="json"
    )
    assert response.status_code == 403
    assert read_api.get(f"/api/v1/sites/{site.pk}/funnels/").status_code == 200


def test_the_schema_describes_funnels_and_experiments(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    report = paths["/api/v1/sites/{id}/funnels/{funnel_id}/"]["get"]
    assert "within one visit" in report["description"]
    assert {"period", "country"} <= {parameter["name"] for parameter in report["parameters"]}
    assert (
        "Wilson" in paths["/api/v1/sites/{id}/experiments/{experiment_id}/"]["get"]["description"]
    )
