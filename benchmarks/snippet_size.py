"""Print the tracking script's size: as written, as served (minified by rjsmin) and gzipped.

.venv/bin/python benchmarks/snippet_size.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sites.script import script_bytes

SNIPPET = (
    Path(__file__).resolve().parent.parent / "tracker_project" / "static" / "js" / "tracker.js"
)
GOAL_GZIPPED = 1536


def main() -> int:
    source = SNIPPET.read_bytes()
    served, gzipped = script_bytes(source)
    print(
        f"static/js/tracker.js: {len(source)} bytes as written, {len(served)} served "
        f"(minified), {len(gzipped)} served gzipped (goal: under {GOAL_GZIPPED})"
    )
    print(
        f"ratios: served/source {len(served) / len(source):.2f}, "
        f"gzipped/served {len(gzipped) / len(served):.2f}"
    )
    return 0 if len(gzipped) < GOAL_GZIPPED else 1


if __name__ == "__main__":
    sys.exit(main())
