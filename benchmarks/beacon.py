"""Load the beacon under gunicorn and compare it with a bare Django view on the same server.

    .venv/bin/python benchmarks/beacon.py                    # SQLite and PostgreSQL
    .venv/bin/python benchmarks/beacon.py --database sqlite --duration 5 --concurrency 32

For each database: a fresh throwaway database, migrated, with one site; the production server
(`gunicorn` with the repo's gunicorn.conf.py, the same worker and thread count for both apps)
serves the project on one port and `benchmarks/bare_wsgi.py` (a view that only answers 204, no
middleware) on another. Both are loaded by the same client (wrk when installed, a small asyncio
client otherwise) at each concurrency. It prints requests/s, p50 and p99 latency, the beacon/bare
ratio, and checks that the visits stored are at least the 204s counted (the client may stop
before reading answers the server already stored: never the other way round).
"""

import argparse
import asyncio
import os
import re
import shutil
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

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
QUERY = "url=https%3A%2F%2Fbench.example%2Fpricing&referrer=https%3A%2F%2Fwww.google.com%2F"
GOAL = 0.6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def start_server(
    app: str, port: int, env: dict, workers: int, threads: int, log
) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        "--config",
        str(PROJECT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "/dev/null",
    ]
    return subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=log, stderr=log, start_new_session=True
    )


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def load_with_wrk(url: str, connections: int, seconds: int) -> dict:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(
        "local ok = 0\n"
        "function response(status, headers, body) if status == 204 then ok = ok + 1 end end\n"
        "function done(summary, latency, requests)\n"
        "  io.write(string.format('p50_us %d\\np99_us %d\\n', latency:percentile(50), "
        "latency:percentile(99)))\n"
        "end\n"
    )
    script.close()
    threads = min(2, connections)
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "-s",
                script.name,
                "-H",
                f"User-Agent: {USER_AGENT}",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    total = int(re.search(r"(\d+) requests in", result).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1)),
        "p50": int(re.search(r"p50_us (\d+)", result).group(1)) / 1000,
        "p99": int(re.search(r"p99_us (\d+)", result).group(1)) / 1000,
        "ok": total - (int(errors.group(1)) if errors else 0),
    }


async def _client(host: str, port: int, path: str, until: float, latencies: list, counts: dict):
    reader, writer = await asyncio.open_connection(host, port)
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n\r\n").encode()
    while time.monotonic() < until:
        started = time.perf_counter()
        writer.write(request)
        status_line = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length:
            await reader.readexactly(length)
        latencies.append((time.perf_counter() - started) * 1000)
        counts[status_line.split()[1].decode()] = counts.get(status_line.split()[1].decode(), 0) + 1
    writer.close()


def load_with_python(url: str, connections: int, seconds: int) -> dict:
    match = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    latencies: list[float] = []
    counts: dict[str, int] = {}

    async def run():
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(host, port, path, until, latencies, counts) for _ in range(connections))
        )

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / elapsed,
        "p50": cuts[49],
        "p99": cuts[98],
        "ok": counts.get("204", 0),
    }


def run_database(kind: str, args) -> bool:
    from visits.tests.geoip_data import build_city_database

    loader = load_with_wrk if shutil.which("wrk") else load_with_python
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
        log = open(Path(folder) / "servers.log", "w")
        servers = {
            "beacon": start_server(
                "tracker_project.wsgi:application",
                ports["beacon"],
                env,
                args.workers,
                args.threads,
                log,
            ),
            "bare": start_server(
                "benchmarks.bare_wsgi:application",
                ports["bare"],
                {**env, "DJANGO_SETTINGS_MODULE": ""},
                args.workers,
                args.threads,
                log,
            ),
        }
        answered = 0
        try:
            for name, port in ports.items():
                wait_until_up(
                    f"http://127.0.0.1:{port}/sites/{site_id}/visit?{QUERY}", servers[name]
                )
            print(
                f"\n== {kind}: gunicorn, {args.workers} workers x {args.threads} threads, "
                f"{args.duration} s per run, client: {loader.__name__.removeprefix('load_with_')}"
            )
            print(f"{'conns':>5} {'app':<7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}")
            for connections in args.concurrency:
                results = {}
                for name in ("bare", "beacon"):
                    url = f"http://127.0.0.1:{ports[name]}/sites/{site_id}/visit?{QUERY}"
                    results[name] = loader(url, connections, args.duration)
                answered += results["beacon"]["ok"]
                ratio = results["beacon"]["rps"] / results["bare"]["rps"]
                passed &= ratio >= GOAL
                for name in ("bare", "beacon"):
                    figures = results[name]
                    print(
                        f"{connections:>5} {name:<7} {figures['rps']:9.0f} {figures['p50']:8.2f} "
                        f"{figures['p99']:8.2f} {ratio if name == 'beacon' else 1:6.2f}"
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
        passed &= lost == 0
        print(f"visits stored: {stored}; 204s counted by the client: {answered}; lost: {lost}")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 64])
    args = parser.parse_args()
    results = [
        run_database(kind, args)
        for kind in (["sqlite", "postgres"] if args.database == "both" else [args.database])
    ]
    print(
        f"\ngoal: beacon >= {GOAL:.0%} of bare, no visit lost: "
        f"{'met' if all(results) else 'NOT met'}"
    )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
