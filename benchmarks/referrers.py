"""Referrer grouping on Snowplow's referrer list, and what naming a referrer costs per hit.

.venv/bin/python benchmarks/referrers.py [--fixture PATH] [--rounds N]

Grouping: the rows a Referrers panel had when each host was its own row (the host without
`www.`), against the named sources now, over all domains and over Google's. Speed: the time of
`referrer_fields` (host, source and channel) per referrer, against taking the host alone
(`url_host`, what the beacon did before) in the same process: min / median / max of the rounds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT.parent / "shared" / "fixtures" / "referrers" / "snowplow-referers.yml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if not args.fixture.is_file():
        print(f"No referrer list at {args.fixture}: nothing to measure.")
        return 1
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker_project.settings")
    os.environ.setdefault("SECRET_KEY", "referrer-benchmark")
    import django
    import yaml

    django.setup()
    from visits.ingest.referrers import referrer_fields
    from visits.ingest.url_parts import url_host

    tree = yaml.safe_load(args.fixture.read_text(encoding="utf-8"))
    domains = [
        ((category, name), domain)
        for category, sources in tree.items()
        for name, source in sources.items()
        for domain in source["domains"]
    ]
    referrers = [f"https://{domain}" for _, domain in domains]
    page = "https://example.com/"
    named = [referrer_fields(referrer=r, page_url=page)["referrer_source"] for r in referrers]
    google = [i for i, (source, _) in enumerate(domains) if source == ("search", "Google")]
    print(
        f"{len(domains)} domains of {len({source for source, _ in domains})} sources in "
        f"{args.fixture.name}"
    )
    print(
        f"rows: {len({url_host(r) for r in referrers})} hosts before, "
        f"{len(set(named))} named sources now"
    )
    print(
        f"Google search's {len(google)} domains: "
        f"{len({url_host(referrers[i]) for i in google})} rows before, "
        f"{len({named[i] for i in google})} now"
    )

    def per_referrer(function) -> list[float]:
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for referrer in referrers:
                function(referrer)
            times.append((time.perf_counter() - start) / len(referrers) * 1e6)
        return times

    baseline = per_referrer(url_host)
    sites = ("example.org",)
    now = per_referrer(lambda r: referrer_fields(referrer=r, page_url=page, site_domains=sites))
    for label, times in (("host only (before)", baseline), ("referrer_fields (now)", now)):
        print(
            f"{label}: {min(times):.1f} / {statistics.median(times):.1f} / {max(times):.1f} µs "
            "per referrer (min / median / max)"
        )
    print(f"ratio now/before (medians): {statistics.median(now) / statistics.median(baseline):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
