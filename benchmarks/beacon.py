"""Load the beacon under gunicorn and compare it with a bare Django view on the same server.

    .venv/bin/python benchmarks/beacon.py                    # SQLite and PostgreSQL
    .venv/bin/python benchmarks/beacon.py --database sqlite --duration 5 --concurrency 64

For each database: a fresh throwaway database, migrated, with one site; the production server
(gunicorn with the packaged settings, the same worker and thread count for both apps) serves the
project on one port and `benchmarks/bare_wsgi.py` (a view that only answers 204, no middleware,
the same settings without the server hooks) on another. Requests come as real traffic does:
from varied public addresses (X-Forwarded-For behind one trusted proxy, so GeoIP runs on a
database built here) with varied browser user agents (the shared fixtures' browsers when present,
a built-in list otherwise), so agent parsing runs too. Each concurrency is run `--repeat` times,
bare and beacon alternating; it prints min/median/max of requests/s, p50 and p99 latency, the
ratios of the medians, and checks that the visits stored are at least the visits the client saw
accepted (it may stop before reading answers the server already stored: never the other way).
"""

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
from benchmarks.dashboard import throwaway_database  # noqa: E402

BROWSER_FIXTURE = PROJECT.parent / "shared" / "fixtures" / "ua" / "isbot-browsers.yml"
BUILT_IN_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
]
PAGES = ["/", "/pricing", "/blog/launch", "/docs/install", "/about?utm_source=newsletter"]
REFERRERS = ["", "https://www.google.com/", "https://news.ycombinator.com/", "https://t.co/x"]
THROUGHPUT_GOAL, TAIL_GOAL, GOAL_CONNECTIONS = 0.8, 3.0, 64


def user_agents() -> list[str]:
    """Browser user agents: the shared fixture's (a few hundred) when present."""
    if not BROWSER_FIXTURE.is_file():
        return BUILT_IN_AGENTS
    found = [
        line.strip()[2:].strip().strip("'\"")
        for line in BROWSER_FIXTURE.read_text().splitlines()
        if line.strip().startswith("- Mozilla/5.0")
    ]
    return found or BUILT_IN_AGENTS


def public_addresses(count: int, rng: random.Random) -> list[str]:
    """Addresses in the benchmark's GeoIP networks (located) and elsewhere (not found)."""
    addresses = []
    for number in range(count):
        kind = number % 4
        if kind == 0:
            addresses.append(f"81.2.69.{rng.randrange(1, 255)}")
        elif kind == 1:
            addresses.append(f"175.16.199.{rng.randrange(1, 255)}")
        elif kind == 2:
            addresses.append(f"2a02:8100::{rng.randrange(1, 0xFFFF):x}")
        else:
            addresses.append(f"{rng.randrange(11, 99)}.{rng.randrange(256)}.{rng.randrange(256)}.7")
    return addresses


def requests_for(site_id: str, host: str, count: int = 2000) -> list[bytes]:
    from urllib.parse import quote

    rng = random.Random(21)  # noqa: S311 (repeatable traffic, not secrets)
    agents = user_agents()
    addresses = public_addresses(count, rng)
    made = []
    for number in range(count):
        page = quote("https://bench.example" + rng.choice(PAGES), safe="")
        referrer = quote(rng.choice(REFERRERS), safe="")
        made.append(
            (
                f"GET /sites/{site_id}/visit?url={page}&referrer={referrer} HTTP/1.1\r\n"
                f"Host: {host}\r\nUser-Agent: {rng.choice(agents)}\r\n"
                f"X-Forwarded-For: {addresses[number]}\r\n\r\n"
            ).encode()
        )
    return made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log_path: Path, timeout=30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(log_path.read_text()[-3000:], file=sys.stderr)
            raise RuntimeError(f"server exited early with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def start_server(app: str, config: str, port: int, env: dict, args, log) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        "--config",
        config,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "/dev/null",
    ]
    return subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=log, stderr=log, start_new_session=True
    )


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


async def _client(port, requests, offset, until, latencies, counts):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    number = offset
    while time.monotonic() < until:
        started = time.perf_counter()
        writer.write(requests[number % len(requests)])
        number += 1
        try:
            status_line = await reader.readline()
        except ConnectionError:
            status_line = b""
        if not status_line:  # the server closed the connection (a worker was recycled)
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        parts = status_line.split()
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):  # lost track: start afresh
            counts["unreadable"] = counts.get("unreadable", 0) + 1
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        status = parts[1]
        length, skipped, chunked = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            lowered = line.lower()
            if lowered.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif lowered.startswith(b"x-visit-skipped:"):
                skipped = True
            elif lowered.startswith(b"transfer-encoding:") and b"chunked" in lowered:
                chunked = True
        if chunked:
            while size := int((await reader.readline()).strip() or b"0", 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        elif length:
            await reader.readexactly(length)
        latencies.append((time.perf_counter() - started) * 1000)
        key = "skipped" if skipped else status.decode()
        counts[key] = counts.get(key, 0) + 1
    writer.close()


def load(port: int, requests: list[bytes], connections: int, seconds: float) -> dict:
    latencies: list[float] = []
    counts: dict[str, int] = {}

    async def run():
        until = time.monotonic() + seconds
        step = len(requests) // connections
        await asyncio.gather(
            *(
                _client(port, requests, n * step, until, latencies, counts)
                for n in range(connections)
            )
        )

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / elapsed,
        "p50": cuts[49],
        "p99": cuts[98],
        "stored": counts.get("204", 0),
        "errors": sum(v for k, v in counts.items() if k not in ("204", "skipped")),
        "statuses": counts,
    }


def spread(values: list[float], digits: int = 0) -> str:
    return "/".join(
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )


def run_database(kind: str, args) -> bool:
    from visits.tests.geoip_data import build_city_database

    passed = True
    with throwaway_database(kind) as database_url, tempfile.TemporaryDirectory() as folder:
        geoip = build_city_database(Path(folder) / "GeoLite2-City.mmdb")
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "beacon-benchmark",
            "DEBUG": "False",
            "HTTPS": "False",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GEOIP_PATH": str(geoip),
            "BEACON_RATE_LIMIT": "off",
            "BEACON_SPOOL_DIR": str(Path(folder) / "spool"),
            "TRUSTED_PROXY_COUNT": "1",  # the client is the last X-Forwarded-For entry
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "tracker_project.settings",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=PROJECT, env=env, check=True)
        site_id = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from accounts.services import user_register;"
                "from sites.services import site_create;"
                "o = user_register(email='bench@example.com', password='benchmark pass 123');"
                "print(site_create(owner=o, name='Bench', base_url='https://bench.example').pk)",
            ],
            cwd=PROJECT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        count_visits = [
            *manage,
            "shell",
            "-c",
            "from visits.models import Visit; print(Visit.objects.count())",
        ]
        ports = {"beacon": free_port(), "bare": free_port()}
        log_path = Path(folder) / "servers.log"
        log = open(log_path, "w")
        servers = {
            "beacon": start_server(
                "tracker_project.wsgi:application",
                "python:tracker_project.gunicorn_conf",
                ports["beacon"],
                env,
                args,
                log,
            ),
            "bare": start_server(
                "benchmarks.bare_wsgi:application",
                "python:benchmarks.bare_gunicorn_conf",
                ports["bare"],
                {**env, "DJANGO_SETTINGS_MODULE": ""},
                args,
                log,
            ),
        }
        requests = requests_for(site_id, "127.0.0.1")
        answered = errors = 0
        error_statuses: dict[str, int] = {}
        try:
            for name, port in ports.items():
                wait_until_up(
                    f"http://127.0.0.1:{port}/sites/{site_id}/visit?url=https%3A%2F%2Fbench.example%2F",
                    servers[name],
                    log_path,
                )
            print(
                f"\n== {kind}: gunicorn, {args.workers} workers x {args.threads} threads, "
                f"{args.duration} s per run, {args.repeat} runs, min/median/max"
            )
            print(
                f"{'conns':>5} {'app':<7} {'req/s':>17} {'p50 ms':>17} {'p99 ms':>20} "
                f"{'req/s ratio':>11} {'p99 ratio':>9}"
            )
            for connections in args.concurrency:
                runs = {"bare": [], "beacon": []}
                for _ in range(args.repeat):
                    for name in ("bare", "beacon"):
                        runs[name].append(load(ports[name], requests, connections, args.duration))
                answered += sum(run["stored"] for run in runs["beacon"])
                errors += sum(run["errors"] for run in runs["beacon"])
                for run in runs["beacon"]:
                    for status, count in run["statuses"].items():
                        if status not in ("204", "skipped"):
                            error_statuses[status] = error_statuses.get(status, 0) + count
                median = {
                    name: {
                        key: statistics.median(run[key] for run in results)
                        for key in ("rps", "p50", "p99")
                    }
                    for name, results in runs.items()
                }
                throughput = median["beacon"]["rps"] / median["bare"]["rps"]
                tail = median["beacon"]["p99"] / median["bare"]["p99"]
                if connections == GOAL_CONNECTIONS:
                    passed &= throughput >= THROUGHPUT_GOAL and tail <= TAIL_GOAL
                for name, results in runs.items():
                    ratios = (
                        f"{throughput:11.2f} {tail:9.2f}" if name == "beacon" else f"{'':11} {'':9}"
                    )
                    print(
                        f"{connections:>5} {name:<7} "
                        f"{spread([r['rps'] for r in results]):>17} "
                        f"{spread([r['p50'] for r in results], 1):>17} "
                        f"{spread([r['p99'] for r in results], 1):>20} {ratios}"
                    )
        finally:
            for server in servers.values():
                stop_server(server)
            log.close()
        stored = int(
            subprocess.run(
                count_visits, cwd=PROJECT, env=env, check=True, capture_output=True, text=True
            ).stdout.split()[-1]
        )
        lost = max(0, answered - stored)
        passed &= lost == 0 and errors == 0
        print(
            f"visits stored: {stored}; accepted as counted by the client: {answered}; "
            f"lost: {lost}; error answers: {errors} {error_statuses or ''}"
        )
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 64])
    args = parser.parse_args()
    results = [
        run_database(kind, args)
        for kind in (["sqlite", "postgres"] if args.database == "both" else [args.database])
    ]
    print(
        f"\ngoal at {GOAL_CONNECTIONS} connections: beacon req/s >= {THROUGHPUT_GOAL:.0%} of bare"
        f" and p99 <= {TAIL_GOAL:g} x bare, no visit lost: "
        f"{'met' if all(results) else 'NOT met'}"
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
