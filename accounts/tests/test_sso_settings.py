"""The single sign-on settings as the README says, read in fresh processes."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**clean, "DEBUG": "True", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_single_sign_on_is_off_by_default():
    result = run(
        "shell",
        "-c",
        "from django.conf import settings as s; print(repr(s.OIDC_ISSUER), s.OIDC_CREATE_USERS)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "'' True"


def test_settings_are_read_from_the_environment():
    result = run(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.OIDC_ISSUER, s.OIDC_CLIENT_ID, s.OIDC_ALLOWED_DOMAINS, s.OIDC_CREATE_USERS)",
        OIDC_ISSUER="https://id.example.com/realms/staff/",
        OIDC_CLIENT_ID="tracker",
        OIDC_ALLOWED_DOMAINS="Corp.Example,example.org",
        OIDC_CREATE_USERS="False",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "https://id.example.com/realms/staff tracker ['corp.example', 'example.org'] False"
    )


def test_an_issuer_without_a_client_id_is_a_clear_error():
    result = run("check", OIDC_ISSUER="https://id.example.com")
    assert result.returncode == 2
    assert "OIDC_ISSUER is set: set OIDC_CLIENT_ID" in result.stderr
    assert "Traceback" not in result.stderr
