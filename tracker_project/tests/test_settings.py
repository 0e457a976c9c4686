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

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


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
    assert result.returncode != 0
    assert f"{name} must look like 120/m" in result.stderr
