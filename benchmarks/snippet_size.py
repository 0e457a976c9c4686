"""Print the tracking snippet's size: as written, minified (rjsmin) and gzipped.

.venv/bin/python benchmarks/snippet_size.py
"""

import gzip
import sys
from pathlib import Path

import rjsmin

SNIPPET = (
    Path(__file__).resolve().parent.parent / "tracker_project" / "static" / "js" / "tracker.js"
)
GOAL_GZIPPED = 1536


def main() -> int:
    source = SNIPPET.read_bytes()
    minified = rjsmin.jsmin(source)
    gzipped = gzip.compress(minified, compresslevel=9)
    print(
        f"static/js/tracker.js: {len(source)} bytes as written, {len(minified)} minified, "
        f"{len(gzipped)} minified and gzipped (goal: under {GOAL_GZIPPED})"
    )
    print(
        f"ratios: minified/source {len(minified) / len(source):.2f}, "
        f"gzipped/minified {len(gzipped) / len(minified):.2f}"
    )
    return 0 if len(gzipped) < GOAL_GZIPPED else 1


if __name__ == "__main__":
    sys.exit(main())
