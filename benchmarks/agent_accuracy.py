"""How well user agents are read: bot recall, browsers wrongly skipped, device, browser and OS
accuracy, and the cost per hit, on user agents nobody here wrote.

Sources: `../shared/fixtures/ua/` (uap-core's test_ua and test_os, isbot's crawlers and browsers)
and the fixtures Matomo's device-detector ships inside its package (its bot list and its
per-device-type lists). Each figure is measured for the parser in use (`agent_parse`) and, where
crawlerdetect is installed, for the one it replaced (ua-parser + crawlerdetect + a guess from
"Mobile"), in the same process. `visits/tests/test_agent_fixtures.py` asserts the targets on
these same measures.
"""

import functools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(os.environ.get("TRACKER_FIXTURES", PROJECT.parent / "shared" / "fixtures"))
UA = FIXTURES / "ua"
# Device-detector's per-type lists: every user agent in them is a real device's client.
DEVICE_FILES = (
    "desktop", "smartphone", "tablet", "tv", "console", "car_browser", "feature_phone",
    "phablet", "wearable", "portable_media_player",
)  # fmt: skip
PER_CLASS = 300  # user agents sampled per expected class (device-detector takes ms on each)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(path: Path):
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_Loader)  # noqa: S506 - a safe loader


def matomo_fixtures() -> Path | None:
    """Where the installed device-detector keeps Matomo's fixtures, if it ships them."""
    try:
        import device_detector
    except ImportError:
        return None
    path = Path(device_detector.__file__).parent / "tests" / "fixtures" / "upstream"
    return path if (path / "bots.yml").exists() else None


@functools.cache
def isbot_lists() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(crawlers, browsers) from isbot's fixtures, as (group, user agent)."""

    def pairs(name: str) -> list[tuple[str, str]]:
        data = _yaml(UA / name) or {}
        return [(group, agent) for group, agents in data.items() for agent in agents or []]

    return pairs("isbot-crawlers.yml"), pairs("isbot-browsers.yml")


@functools.cache
def matomo_bots() -> list[tuple[str, str]]:
    """(category, user agent) of device-detector's bot list."""
    path = matomo_fixtures()
    if path is None:
        return []
    return [
        ((entry.get("bot") or {}).get("category") or "Other", entry["user_agent"])
        for entry in _yaml(path / "bots.yml")
    ]


@functools.cache
def matomo_devices(per_class: int = PER_CLASS) -> list[dict]:
    """A spread sample of device-detector's device lists: user agent, expected class (through
    `device_name`), its OS and browser names and the Matomo type."""
    from visits.ingest.names import device_name

    path = matomo_fixtures()
    if path is None:
        return []
    by_type = defaultdict(list)
    for name in DEVICE_FILES:
        for file in sorted(path.glob(f"{name}*.yml")):
            for entry in _yaml(file) or []:
                kind = ((entry.get("device") or {}).get("type") or "").strip()
                os_info = entry.get("os") or {}
                client = entry.get("client") or {}
                is_browser = client.get("type") == "browser"
                by_type[kind].append(
                    {
                        "user_agent": entry["user_agent"],
                        "type": kind,
                        "device": device_name(kind),
                        "os": os_info.get("name", "") if isinstance(os_info, dict) else "",
                        "browser": client.get("name", "") if is_browser else "",
                        "is_browser": is_browser,
                    }
                )
    sample = []
    for entries in by_type.values():
        step = max(1, len(entries) // per_class)
        sample += entries[::step][:per_class]
    return sample


@functools.cache
def uap_cases(name: str) -> list[tuple[str, str]]:
    """(user agent, expected family) from a uap-core test file."""
    return [
        (case["user_agent_string"], case["family"] or "") for case in _yaml(UA / name)["test_cases"]
    ]


@dataclass
class Figures:
    name: str
    bots: dict = field(default_factory=dict)  # list name -> (caught, total)
    categories: dict = field(default_factory=dict)  # Matomo bot category -> (caught, total)
    skipped: dict = field(default_factory=dict)  # browser list -> (skipped, total)
    devices: dict = field(default_factory=dict)  # expected class -> (right, total)
    device_misses: Counter = field(default_factory=Counter)  # (expected, got)
    browser: tuple = (0, 0)
    os: tuple = (0, 0)
    names: dict = field(default_factory=dict)  # Matomo's browser/OS names matched -> (right, total)
    cold_us: list = field(default_factory=list)
    warm_us: list = field(default_factory=list)


def measure(name: str, parse: Callable, per_class: int = PER_CLASS) -> Figures:
    """Every accuracy figure for one parser: `parse(user_agent)` returns an object with
    browser, os, device and is_bot."""
    from visits.ingest.names import browser_name, os_name

    figures = Figures(name)
    crawlers, browsers = isbot_lists()
    bots = matomo_bots()

    def rate(agents: list[str]) -> tuple[int, int]:
        return sum(parse(agent).is_bot for agent in agents), len(agents)

    figures.bots["isbot crawlers"] = rate([agent for _, agent in crawlers])
    if bots:
        figures.bots["device-detector bots"] = rate([agent for _, agent in bots])
        for category, agents in _grouped(bots).items():
            figures.categories[category] = rate(agents)
    figures.bots["empty, '-', 'Mozilla/5.0'"] = rate(["", "-", "Mozilla/5.0"])
    figures.skipped["isbot browsers"] = rate([agent for _, agent in browsers])
    devices = matomo_devices(per_class)
    if devices:
        figures.skipped["device-detector browsers"] = rate(
            [row["user_agent"] for row in devices if row["is_browser"]]
        )
        figures.skipped["  and their apps, any client"] = rate(
            [row["user_agent"] for row in devices]
        )
    for expected, rows in _grouped([(row["device"], row) for row in devices]).items():
        right = 0
        for row in rows:
            got = parse(row["user_agent"]).device
            right += got == expected
            if got != expected:
                figures.device_misses[(expected, got)] += 1
        figures.devices[expected or "(none)"] = (right, len(rows))
    for kind, field_name, namer in (("browser", "browser", browser_name), ("os", "os", os_name)):
        file = "uap-core-test_ua.yaml" if kind == "browser" else "uap-core-test_os.yaml"
        kept = [(agent, family) for agent, family in uap_cases(file) if not parse(agent).is_bot]
        right = sum(
            getattr(parse(agent), field_name) == ("" if family == "Other" else namer(family))
            for agent, family in kept
        )
        setattr(figures, kind, (right, len(kept)))
        named = [(row["user_agent"], row[kind]) for row in devices if row[kind]]
        figures.names[kind] = (
            sum(getattr(parse(agent), field_name) == namer(value) for agent, value in named),
            len(named),
        )
    return figures


def _grouped(pairs) -> dict:
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return dict(groups)


def timings(parse: Callable, count: int = 400) -> tuple[list, list]:
    """CPU µs per hit (the machine may be shared): each of `count` distinct uap-core agents once
    (cold: a string the process has
    not seen, after the rest of uap-core's agents have loaded the rules, as in a server that
    has been up a while), then again (warm: from the cache)."""
    agents = list(dict.fromkeys(agent for agent, _ in uap_cases("uap-core-test_ua.yaml")))
    timed = agents[:: max(1, len(agents) // count)][:count]
    chosen = set(timed)
    for agent in agents:
        if agent not in chosen:
            parse(agent)
    cold, warm = [], []
    for times in (cold, warm):
        for agent in timed:
            start = time.thread_time()
            parse(agent)
            times.append((time.thread_time() - start) * 1e6)
    return cold, warm


def before_parser() -> Callable | None:
    """The parser this replaced: ua-parser, crawlerdetect, and "Android without Mobile is a
    tablet". None when crawlerdetect is not installed (it is no longer a dependency)."""
    try:
        from crawlerdetect import CrawlerDetect
    except ImportError:
        return None
    from functools import lru_cache
    from types import SimpleNamespace

    from ua_parser import parse

    detect = CrawlerDetect()
    names = {
        "Mobile Safari": "Safari", "Mobile Safari UI/WKWebView": "Safari",
        "Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome",
        "Chrome Mobile WebView": "Chrome WebView", "Firefox Mobile": "Firefox",
        "Firefox iOS": "Firefox", "Edge Mobile": "Edge", "Opera Mobile": "Opera",
    }  # fmt: skip
    desktop = {"Windows", "Mac OS X", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS", "FreeBSD"}

    @lru_cache(maxsize=4096)
    def before(user_agent: str):
        if not user_agent.strip():
            return SimpleNamespace(browser="", os="", device="", is_bot=True)
        result = parse(user_agent)
        device = result.device
        family = result.os.family if result.os else ""
        brand = (device.brand or "") if device is not None else ""
        if device is not None and (device.family == "iPad" or brand.endswith("_Tablet")):
            kind = "tablet"
        elif device is not None and device.family in ("iPhone", "iPod"):
            kind = "mobile"
        elif family == "Android":
            kind = "mobile" if "Mobile" in user_agent else "tablet"
        elif family in ("iOS", "Windows Phone", "BlackBerry OS", "KaiOS"):
            kind = "mobile"
        else:
            kind = "desktop" if family in desktop else ""
        browser = result.user_agent.family if result.user_agent else ""
        return SimpleNamespace(
            browser=names.get(browser, browser),
            os="macOS" if family == "Mac OS X" else family,
            device=kind,
            is_bot=(device is not None and device.family == "Spider")
            or detect.isCrawler(user_agent),
        )

    return before


def _share(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{right / total:7.2%} ({right}/{total})" if total else "      - (0)"


def report(all_figures: list[Figures]) -> None:
    """Print the figures side by side, the first parser being the baseline for speed."""
    width = 34
    print("User agents" + "".join(f" | {figures.name:>22}" for figures in all_figures))

    def row(label: str, pairs: list) -> None:
        print(f"  {label:<{width}}" + "".join(f" | {_share(pair):>22}" for pair in pairs))

    print(" bot recall (higher is better)")
    for key in all_figures[-1].bots:
        row(key, [figures.bots.get(key, (0, 0)) for figures in all_figures])
    for key in sorted(all_figures[-1].categories, key=lambda k: -all_figures[-1].categories[k][1]):
        row(f"  {key}", [figures.categories.get(key, (0, 0)) for figures in all_figures])
    print(" real browsers skipped as bots (lower is better)")
    for key in all_figures[-1].skipped:
        row(key, [figures.skipped.get(key, (0, 0)) for figures in all_figures])
    print(" device class right, by expected class (device-detector's lists)")
    for key in all_figures[-1].devices:
        row(key, [figures.devices.get(key, (0, 0)) for figures in all_figures])
    for figures in all_figures:
        tablets = sum(
            count
            for (expected, got), count in figures.device_misses.items()
            if got == "tablet" and expected in ("tv", "console", "car")
        )
        print(f"  {'TVs, consoles, cars as tablets':<{width}} {figures.name}: {tablets}")
    print(" names right")
    row("browser (uap-core test_ua)", [figures.browser for figures in all_figures])
    row("OS (uap-core test_os)", [figures.os for figures in all_figures])
    row("browser (device-detector's names)", [figures.names["browser"] for figures in all_figures])
    row("OS (device-detector's names)", [figures.names["os"] for figures in all_figures])
    print(" µs per hit, min / median / max")
    base = all_figures[0]
    for label in ("cold", "warm"):
        for figures in all_figures:
            times = getattr(figures, f"{label}_us")
            ratio = statistics.median(times) / statistics.median(getattr(base, f"{label}_us"))
            print(
                f"  {label + ' (' + figures.name + ')':<{width}} {min(times):8.1f} / "
                f"{statistics.median(times):8.1f} / {max(times):9.1f}   x{ratio:.2f} of {base.name}"
            )


def parsers() -> dict[str, Callable]:
    from visits.ingest.agents import agent_parse

    before = before_parser()
    return {**({"before": before} if before else {}), "now": agent_parse}


def _timed_in_fresh_process(name: str) -> tuple[list, list]:
    output = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "accuracy.py"), "--time-agents", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cold, warm = json.loads(output.strip().splitlines()[-1])
    return cold, warm


def time_one(name: str) -> None:
    """Called in the fresh process: print the timings as one JSON line."""
    print(json.dumps(timings(parsers()[name])))


def main() -> None:
    if not UA.exists():
        print(f"agents: skipped, no fixtures at {UA}")
        return
    if matomo_fixtures() is None:
        print("agents: device-detector ships no fixtures here; its lists are left out")
    found = parsers()
    if "before" not in found:
        print("agents: crawlerdetect not installed, the former parser is left out")
    measured = []
    for name, parse in found.items():
        figures = measure(name, parse)
        figures.cold_us, figures.warm_us = _timed_in_fresh_process(name)
        measured.append(figures)
    report(measured)
