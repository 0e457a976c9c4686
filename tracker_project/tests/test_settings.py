"""Settings behave as the README's configuration table says, checked in fresh processes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60 + "-production-like-secret-key-for-tests",
    "DEBUG": "False",
    "ALLOWED_HOSTS": "analytics.example.com",
    "HTTPS": "True",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "HTTPS", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_secret_key_in_production_is_a_clear_error():
    result = manage("check", env={"DEBUG": "False", "SECRET_KEY": ""})

    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: SECRET_KEY is not set")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_runs_without_a_secret_key():
    result = manage("check", env={"DEBUG": "True", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_in_a_production_like_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_mode_turns_https_settings_off():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)"
    )
    on = manage("shell", "-c", script, env=PRODUCTION_ENV)
    off = manage("shell", "-c", script, env={**PRODUCTION_ENV, "HTTPS": "False"})

    assert on.stdout.split()[-4:] == ["True", "True", "True", "31536000"]
    assert off.stdout.split()[-4:] == ["False", "False", "False", "0"]


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/x.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/tracker", "django.db.backends.postgresql"),
    ],
)
def test_database_url_selects_the_engine(url, engine):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        env={"DEBUG": "True", "DATABASE_URL": url},
    )
    assert result.stdout.split()[-1] == engine


@pytest.mark.parametrize("name", ["BEACON_RATE_LIMIT", "REGISTER_RATE_LIMIT", "API_RATE_LIMIT"])
def test_a_malformed_rate_is_a_clear_error(name):
    result = manage("check", env={"DEBUG": "True", name: "lots"})
    assert result.returncode == 2
    assert f"{name} must look like 120/m" in result.stderr
    assert "Traceback" not in result.stderr


PLACES = "DATA_DIR", "DATABASES['default']['NAME']", "GEOIP_PATH", "BEACON_SPOOL_DIR", "STATIC_ROOT"


@pytest.fixture
def no_places_set(monkeypatch):
    for name in ("DATA_DIR", "DATABASE_URL", "GEOIP_PATH", "BEACON_SPOOL_DIR", "STATIC_ROOT"):
        monkeypatch.delenv(name, raising=False)


def places(env: dict[str, str]) -> list[str]:
    script = "from django.conf import settings as s; " + "; ".join(
        f"print('place', s.{place})" for place in PLACES
    )
    result = manage("shell", "-c", script, env={"DEBUG": "True", **env})
    assert result.returncode == 0, result.stderr
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("place ")]


def test_every_place_the_app_writes_defaults_into_data_dir(tmp_path, no_places_set):
    data_dir, database, geoip, spool, static = places({"DATA_DIR": str(tmp_path / "data")})
    assert data_dir == str(tmp_path / "data")
    assert database == str(tmp_path / "data" / "db.sqlite3")
    assert geoip == str(tmp_path / "data" / "geoip")
    assert spool == str(tmp_path / "data" / "spool")
    assert static == str(tmp_path / "data" / "static")
    assert (tmp_path / "data").is_dir()  # created, so SQLite can open its file


def test_a_checkout_keeps_its_data_in_var(no_places_set):
    data_dir, database, *_ = places({})
    assert data_dir == str(PROJECT / "var")
    assert database in (str(PROJECT / "var" / "db.sqlite3"), str(PROJECT / "db.sqlite3"))


def test_a_checkouts_database_from_before_data_dir_is_still_used(tmp_path, monkeypatch):
    from tracker_project import settings

    monkeypatch.setattr(settings, "BASE_DIR", tmp_path)
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "var")
    assert settings.data_path("db.sqlite3") == tmp_path / "var" / "db.sqlite3"
    (tmp_path / "db.sqlite3").touch()
    assert settings.data_path("db.sqlite3") == tmp_path / "db.sqlite3"
