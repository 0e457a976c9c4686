"""The server parses typical agents before it forks: its workers inherit the parsers' rules."""

import subprocess
import sys
from pathlib import Path

from visits.ingest.agents import _TYPICAL_AGENTS, Agent, agent_parse, agents_warm

PROJECT = Path(__file__).resolve().parents[2]


def test_the_typical_agents_are_parsed_as_what_they_are():
    agents_warm()
    parsed = [agent_parse(agent) for agent in _TYPICAL_AGENTS]
    assert {agent.device for agent in parsed if not agent.is_bot} >= {
        "desktop",
        "mobile",
        "tablet",
        "tv",
    }
    assert any(agent.is_bot for agent in parsed)
    assert all(isinstance(agent, Agent) for agent in parsed)


def test_a_worker_forked_after_the_server_is_ready_inherits_loaded_parsers(tmp_path):
    # What the arbiter does with the production settings (preload_app, then when_ready), and
    # what a worker it forks finds: the rules loaded, the agents parsed, no database connection.
    script = """
import os, types
os.environ["DJANGO_SETTINGS_MODULE"] = "tracker_project.settings"
import django
django.setup()
from django.db import connection
import tracker_project.gunicorn_conf as conf
from device_detector import yaml_loader
from visits.ingest.agents import _TYPICAL_AGENTS, agent_parse
assert conf.preload_app and conf.max_requests >= 100000
connection.ensure_connection()  # whatever the arbiter may have opened is closed before forking
log = types.SimpleNamespace(info=print, error=print, exception=print)
conf.when_ready(types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=True), log=log))
pid = os.fork()
if pid == 0:
    rules = yaml_loader.regex_list.cache_info().currsize
    parsed = agent_parse.cache_info().currsize
    print(rules > 0, parsed >= len(_TYPICAL_AGENTS), connection.connection is None, flush=True)
    os._exit(0)
os.waitpid(pid, 0)
"""
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x",
        "DEBUG": "False",
        "HTTPS": "False",
        "BEACON_WRITE_MODE": "direct",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'arbiter.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.stdout.split()[-3:] == ["True", "True", "True"], result.stderr
