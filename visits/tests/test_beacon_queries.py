"""A warm beacon in spool mode asks the database nothing: the hit is parsed, hashed and appended
to the worker's spool file, and the drainer stores it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_warm_beacon_runs_no_query(send, settings, tmp_path):
    settings.BEACON_WRITE_MODE = "spool"
    settings.BEACON_SPOOL_DIR = tmp_path / "spool"
    settings.BEACON_SPOOL_DRAINER = "process"
    assert send(data={"url": "https://blog.example.com/"}).status_code == 204  # warms the caches
    with CaptureQueriesContext(connection) as queries:
        response = send(data={"url": "https://blog.example.com/pricing"})
    assert response.status_code == 204
    assert [query["sql"] for query in queries] == []
