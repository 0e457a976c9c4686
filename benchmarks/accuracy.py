"""The figures owners read, measured on real-world data nobody here wrote (`../shared/fixtures/`,
or the folder `TRACKER_FIXTURES` names).

    .venv/bin/python benchmarks/accuracy.py

Each part prints its own table: user agents (bots, devices, names and cost per hit) in
`benchmarks/agent_accuracy.py`; referrer grouping on Snowplow's list (`benchmarks/referrers.py`);
the GoatCounter and Plausible import totals against their expected figures and our own CSV's
round trip (`benchmarks/import_accuracy.py`). The last two run in their own processes, as they
set up their own databases.
"""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
os.environ.setdefault("DEBUG", "True")

import django  # noqa: E402

django.setup()

from benchmarks import agent_accuracy  # noqa: E402

FIXTURES = Path(os.environ.get("TRACKER_FIXTURES", PROJECT.parent / "shared" / "fixtures"))


def _script(name: str, *arguments: str):
    def run() -> None:
        command = [sys.executable, str(PROJECT / "benchmarks" / name), *arguments]
        subprocess.run(command, check=False)

    return run


PARTS = (
    agent_accuracy.main,
    _script("referrers.py", "--fixture", str(FIXTURES / "referrers" / "snowplow-referers.yml")),
    _script("import_accuracy.py", "--fixtures", str(FIXTURES)),
)

if __name__ == "__main__":
    if sys.argv[1:2] == ["--time-agents"]:
        agent_accuracy.time_one(sys.argv[2])
        sys.exit()
    for part in PARTS:
        part()
        print()
