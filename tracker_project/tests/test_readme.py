"""The README's commands work as printed: in a checkout after `make run`, and for the names the
settings read (every one is in .env.example and the README's configuration table)."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
README = (PROJECT / "README.md").read_text()
TRACKER = Path(sys.executable).with_name("tracker")
# Where the README calls the command: in a checkout, and in the production install.
TRACKER_PATHS = (".venv/bin/tracker", "/opt/tracker/venv/bin/tracker")


def shell_commands(text: str) -> list[str]:
    """The commands of every ```sh block, continuation lines joined, comments left out."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def tracker_commands() -> list[str]:
    found = []
    for command in shell_commands(README):
        for path in TRACKER_PATHS:
            if f"{path} " in command:
                command = command.replace(path, shlex.quote(str(TRACKER)))
                if re.search(r"tracker'? serve\b", command):
                    command += " --no-start"  # the server itself is started by test_install
                found.append(command)
    return found


def test_the_readme_opens_with_the_two_commands():
    first = shell_commands(README)[:2]
    assert first == ["make run", "make test"]
    makefile = (PROJECT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, flags=re.MULTILINE)
    assert re.search(r"^test:", makefile, flags=re.MULTILINE)
    assert "DEBUG=True" in makefile  # the .env `make run` writes, which the commands rely on


def test_every_tracker_command_in_the_readme_works_as_printed(tmp_path, city_database_file):
    commands = tracker_commands()
    names = {re.search(r"tracker'? (\w+)", command).group(1) for command in commands}
    assert {"createsuperuser", "seed_demo", "geoip_lookup", "serve"} <= names
    # A fresh checkout after `make run`: its .env sets DEBUG=True, nothing else is set.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "GEOIP_PATH", "HTTPS")
        and not name.endswith("RATE_LIMIT")
    }
    environment.update(DEBUG="True", DATA_DIR=str(tmp_path / "data"))
    run = {"cwd": PROJECT, "env": environment, "capture_output": True, "text": True}
    migrated = subprocess.run([str(TRACKER), "migrate", "--noinput"], check=False, **run)
    assert migrated.returncode == 0, migrated.stderr
    # The GeoIP section's lookup needs a database installed, as it says.
    (tmp_path / "data" / "geoip").mkdir()
    shutil.copy(city_database_file, tmp_path / "data" / "geoip" / "GeoLite2-City.mmdb")
    for command in commands:
        result = subprocess.run(["bash", "-c", command], check=False, **run)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


SETTINGS_FILES = ["settings.py", "gunicorn_conf.py", "worker.py"]


def setting_names() -> set[str]:
    names = set()
    for name in SETTINGS_FILES:
        source = (PROJECT / "tracker_project" / name).read_text()
        names |= set(re.findall(r'(?:env\.\w+|rate_setting|environ\.get)\(\s*"([A-Z_]+)"', source))
    return names


def test_every_setting_is_in_env_example_and_the_readme():
    example = (PROJECT / ".env.example").read_text()
    names = setting_names()
    assert {"DATA_DIR", "STATIC_ROOT", "SECRET_KEY", "GUNICORN_THREADS"} <= names
    missing = {name for name in names if not re.search(rf"^# {name}=", example, re.MULTILINE)}
    assert not missing, f"not in .env.example: {sorted(missing)}"
    table = README[README.index("## Configuration") : README.index("## Creating an admin")]
    documented = set(re.findall(r"`([A-Z_]+)`", table))
    undocumented = names - documented - {"XDG_DATA_HOME", "FORWARDED_ALLOW_IPS"}
    undocumented -= {"SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"}
    assert not undocumented, f"not in the README's table: {sorted(undocumented)}"


@pytest.mark.parametrize(
    "name", ["tracker serve", "DATA_DIR", "STATIC_ROOT", "/static/js/tracker.js"]
)
def test_the_new_names_are_in_the_reference(name):
    assert name in (PROJECT / "docs" / "reference.md").read_text()
