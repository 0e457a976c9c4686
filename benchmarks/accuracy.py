"""The figures owners read, measured on real-world data nobody here wrote (`../shared/fixtures/`,
or the folder `TRACKER_FIXTURES` names).

    .venv/bin/python benchmarks/accuracy.py

Each part prints its own table: user agents (bots, devices, names and cost per hit) in
`benchmarks/agent_accuracy.py`.
"""

import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
os.environ.setdefault("DEBUG", "True")

import django  # noqa: E402

django.setup()

from benchmarks import agent_accuracy  # noqa: E402

PARTS = (agent_accuracy.main,)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--time-agents"]:
        agent_accuracy.time_one(sys.argv[2])
        sys.exit()
    for part in PARTS:
        part()
        print()
