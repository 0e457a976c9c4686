"""The OpenAPI schema, its documentation page, and a schemathesis run against the live app."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from sites.models import Site
from sites.services import site_create
from tracker_project.wsgi import application


@pytest.mark.django_db
def test_schema_is_served_and_describes_every_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("openapi: 3")
    for path in (
        "/api/v1/sites/",
        "/api/v1/sites/{id}/stats/",
        "/api/v1/sites/{id}/timeseries/",
        "/api/v1/sites/{id}/breakdown/",
        "/api/v1/sites/{id}/visits/",
        "/api/v1/sites/{id}/export/",
        "/api/v1/sites/{id}/events/",
    ):
        assert f"{path}:" in text, path
    assert "bearerAuth" in text


@pytest.mark.django_db
def test_docs_page_uses_only_our_own_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "swagger" in body.lower()
    assert not re.search(r"""(src|href)=["']https?://""", body)
    assert "<script>" not in body  # the split view keeps the setup script in its own file


@pytest.fixture
def keep_test_connection():
    """Requests through the WSGI app must not close the test's database connection at their
    end (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loading the schema needs no database: it is built from the code.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_never_fails_and_keeps_to_its_schema(case, keep_test_connection, owner, write_token):
    # Every example works on a site of the token's owner, so the paths reach real data.
    site = Site.objects.filter(owner=owner).first() or site_create(
        owner=owner, name="Fuzzed", base_url="https://fuzz.example"
    )
    if "id" in (case.path_parameters or {}):
        case.path_parameters["id"] = site.pk
    response = case.call(headers={"Authorization": f"Bearer {write_token}"})
    case.validate_response(
        response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
    )
