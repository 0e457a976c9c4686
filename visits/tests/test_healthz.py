import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok_with_geoip(client, geoip_dir):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "static": "ok", "geoip": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_missing_geoip_but_stays_healthy(client, settings, tmp_path):
    settings.GEOIP_PATH = tmp_path / "none"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["geoip"] == "missing"


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken():
        raise OperationalError("down")

    monkeypatch.setattr("visits.ingest.health.connection.cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "unavailable"


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
