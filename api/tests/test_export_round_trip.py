"""The API's `export/` carries every column: its CSV imports back into the same figures, and its
JSON lines hold properties as objects and the per-file visitor pseudonym."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from sites.services import site_create
from visits.models import Visit
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(site):
    for minute, url in enumerate(("/?utm_source=news", "/pricing", "/signup")):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 15, 9, minute, tzinfo=UTC),
            url=f"https://blog.example.com{url}",
            visitor_hash=7,
            screen="desktop",
            props={"plan": "pro"} if minute == 2 else {},
        )
    VisitFactory(site=site, timestamp=datetime(2026, 3, 15, 11, tzinfo=UTC), visitor_hash=8)
    return site


def test_the_api_csv_export_imports_back_into_the_same_visits(api, visits, owner, tmp_path):
    response = api.get(f"/api/v1/sites/{visits.pk}/export/")
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    copy = site_create(owner=owner, name="Copy", base_url="https://blog.example.com")
    call_command("import_visits", str(copy.pk), str(path), stdout=StringIO(), stderr=StringIO())

    def figures(site):
        rows = Visit.objects.filter(site=site).order_by("timestamp")
        return [(v.timestamp, v.url, v.screen, v.props, v.utm_source) for v in rows], rows.values(
            "visitor_hash"
        ).distinct().count()

    assert figures(copy) == figures(visits)


def test_the_api_jsonl_export_holds_props_as_objects_and_no_stored_hash(api, visits):
    response = api.get(f"/api/v1/sites/{visits.pk}/export/", {"format": "jsonl"})
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert lines[2]["props"] == {"plan": "pro"} and lines[0]["props"] == {}
    assert len({line["visitor"] for line in lines[:3]}) == 1
    assert lines[3]["visitor"] != lines[0]["visitor"]
    assert "visitor_hash" not in lines[0] and lines[0]["visitor"] not in ("7", "8")
