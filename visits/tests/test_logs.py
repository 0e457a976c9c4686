"""What the logs say, and where they go: stderr, one line for a client's mistake."""

import json
import logging
import os
import subprocess
import sys

import pytest

from sites.models import Membership, Role
from visits.models import Visit
from visits.tests.servers import PROJECT, test_database_url


@pytest.mark.django_db(transaction=True)
def test_export_to_a_file_is_only_the_export(site):
    Visit.objects.create(site=site, url="https://blog.example.com/a")
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
        # With DEBUG every query is logged: plenty of log lines that must not reach stdout.
        "DEBUG": "True",
        "LOG_LEVEL": "DEBUG",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "export_site", str(site.pk)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [visit["url"] for visit in document["visits"]] == ["https://blog.example.com/a"]
    assert "DEBUG django.db.backends" in result.stderr  # the log lines went where logs go


@pytest.mark.django_db
def test_a_refusal_is_logged_in_one_line_without_a_traceback(client, site, django_user_model):
    viewer = django_user_model.objects.create_user(email="v@example.net", password="x" * 12)
    Membership.objects.create(site=site, user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        assert client.get(f"/sites/{site.pk}/edit/").status_code == 403
    finally:
        logger.removeHandler(handler)
    forbidden = [record for record in records if record.getMessage().startswith("Forbidden")]
    assert forbidden
    assert all(record.exc_info is None for record in forbidden)
