"""The API's all-sites overview: the figures of `/sites/`, for the token's sites only."""

from datetime import UTC, datetime

import pytest
import time_machine
import yaml

from api.models import READ
from api.services import token_create
from sites.models import Membership, Role
from sites.services import site_create
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sites(site, owner, other_owner, other_site):
    docs = site_create(owner=owner, name="Docs", base_url="https://docs.example.com")
    agency = site_create(owner=other_owner, name="Agency", base_url="https://agency.example.net")
    Membership.objects.create(site=agency, user=owner, role=Role.VIEWER)
    VisitFactory(site=site, timestamp=datetime(2026, 3, 15, 9, tzinfo=UTC), visitor_hash=1)
    VisitFactory(site=site, timestamp=datetime(2026, 3, 5, 9, tzinfo=UTC), visitor_hash=2)
    for number in range(3):
        VisitFactory(site=docs, timestamp=datetime(2026, 3, 12, tzinfo=UTC), visitor_hash=number)
    VisitFactory(site=agency, timestamp=datetime(2026, 3, 15, 8, tzinfo=UTC), visitor_hash=1)
    VisitFactory(site=other_site, timestamp=datetime(2026, 3, 15, 8, tzinfo=UTC), visitor_hash=1)
    return {"blog": site, "docs": docs, "agency": agency}


def test_overview_lists_the_users_sites_with_figures(read_api, sites):
    response = read_api.get("/api/v1/sites/overview/?period=7d")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["Docs", "Agency", "Blog"]
    blog = response.json()[2]
    assert blog == {
        "id": sites["blog"].pk,
        "name": "Blog",
        "first_day": "2026-03-09",
        "last_day": "2026-03-15",
        "today": 1,
        "visitors": 1,
        "pageviews": 1,
        "previous": 1,
        "change": 0,
        "days": [0, 0, 0, 0, 0, 0, 1],
    }
    docs = response.json()[0]
    assert (docs["visitors"], docs["previous"], docs["change"]) == (3, 0, None)


def test_overview_sorts_by_name(read_api, sites):
    response = read_api.get("/api/v1/sites/overview/?period=7d&sort=name")
    assert [row["name"] for row in response.json()] == ["Agency", "Blog", "Docs"]


@pytest.mark.parametrize("query", ["period=fortnight", "sort=size", "period=custom&from=x"])
def test_overview_bad_input_is_a_400_with_json(read_api, sites, query):
    response = read_api.get(f"/api/v1/sites/overview/?{query}")
    assert response.status_code == 400
    assert response.json()


def test_overview_keeps_to_a_tokens_sites(owner, sites, client):
    token = token_create(owner=owner, name="docs only", scopes=[READ], sites=[sites["docs"]])[1]
    response = client.get("/api/v1/sites/overview/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [row["name"] for row in response.json()] == ["Docs"]


def test_overview_is_in_the_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/sites/overview/"]["get"]
    assert operation["summary"] == "All your sites' visitors at a glance"
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"period", "sort"}
