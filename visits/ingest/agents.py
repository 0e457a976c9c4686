"""What a user agent string says: browser, OS, device class, and whether it is a bot.

Three maintained sources, each for what it measured best on real-world fixtures (see
`benchmarks/accuracy.py`): isbot's pattern list for bots, ua-parser for the browser and OS, and
Matomo's device-detector for the device class (it tells TVs, consoles, cars and Chromebooks
from tablets). Names go through `visits.ingest.names`, so they match what importers store.
Results are cached per user-agent string: the same few strings arrive again and again, and
device-detector takes milliseconds on a string it has not seen.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
from device_detector import DeviceDetector
from ua_parser import parse

from visits.ingest.names import browser_name, device_name, os_name
from visits.models import Device

# isbot (omrilotan/isbot, Unlicense) joins these into one case-insensitive expression; its
# JavaScript-style classes and look-behinds need the `regex` module rather than `re`.
_ISBOT_PATTERNS = json.loads(
    (Path(__file__).parent / "data" / "isbot-patterns.json").read_text(encoding="utf-8")
)
_BOT = regex.compile("|".join(_ISBOT_PATTERNS), regex.IGNORECASE)
# No browser sends nothing, a dash (what access logs write for no header) or a bare
# "Mozilla/5.0" without the platform every browser adds: those are scripts.
_NO_AGENT = re.compile(r"^(?:-|mozilla(?:/[\d.]*)?)?$", re.IGNORECASE)
# Operating systems only desktops and laptops run, for when device-detector names no class.
_DESKTOP_OS = frozenset(
    {
        "Windows", "macOS", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS", "FreeBSD",
        "OpenBSD", "NetBSD", "Solaris", "SUSE", "openSUSE", "Red Hat", "Arch Linux",
        "Slackware", "Gentoo", "Mint", "CentOS", "Mandriva", "Kubuntu", "Xubuntu",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Agent:
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    device: str = ""
    is_bot: bool = False

    def visit_fields(self) -> dict[str, str]:
        """What a visit records of its user agent (never the user agent itself)."""
        return {
            "browser": self.browser,
            "browser_version": self.browser_version,
            "os": self.os,
            "device": self.device,
        }


@lru_cache(maxsize=4096)
def agent_parse(user_agent: str) -> Agent:
    """Describe a user agent; a bot is only marked as one (nothing else is worth parsing)."""
    text = user_agent.strip()
    if _NO_AGENT.match(text):
        return Agent(is_bot=True)
    detected = None
    if _BOT.search(text):
        # isbot's broad patterns ("discovery", "java", "http") also hit some phones, tablets and
        # TVs; device-detector knows those models and its own bot list, so it has the last word.
        detected = DeviceDetector(user_agent, check_cache=False).parse()
        if not _known_device(detected):
            return Agent(is_bot=True)
    result = parse(user_agent)
    family = result.user_agent.family if result.user_agent else ""
    version = (result.user_agent.major or "") if result.user_agent else ""
    os_family = os_name(result.os.family if result.os else "")
    if family == "Other":
        family = ""
    if os_family == "Other":
        os_family = ""
    device = "" if detected is not None else _plain_device(result, os_family, text)
    if not device:
        if detected is None:
            detected = DeviceDetector(
                user_agent, skip_bot_detection=True, check_cache=False
            ).parse()
        device = _device_class(detected, os_family)
    return Agent(
        browser=browser_name(family),
        browser_version=version[:20],
        os=os_family,
        device=device,
    )


# Agents of the kinds most traffic brings, one of each walk through the parsers' rules: the
# server parses them once before it forks its workers (`agents_warm`).
_TYPICAL_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; 2201117TY) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; BRAVIA 4K VH2) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 11; moto g(30)) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36 OPR/85.0.0.0",
)


def agents_warm() -> None:
    """Load and compile the parsers' rules the first agents of a process would (seconds of work
    on the first hits otherwise): the server calls it once, so every worker it forks shares
    them instead of paying for them again on its first visitors."""
    for user_agent in _TYPICAL_AGENTS:
        agent_parse(user_agent)


def _plain_device(result, os_family: str, text: str) -> str:
    """The classes both parsers agree on without device-detector's milliseconds: iPhones,
    iPads, and Windows, macOS and Chrome OS computers (an Xbox says Windows too)."""
    family = result.device.family if result.device else ""
    if family in ("iPhone", "iPod"):
        return Device.MOBILE
    if family == "iPad":
        return Device.TABLET
    if os_family in ("Windows", "macOS", "Chrome OS") and "xbox" not in text.lower():
        return Device.DESKTOP
    return ""


def _known_device(detected: DeviceDetector) -> bool:
    """A browser on a named phone, tablet, TV... that device-detector does not take for a bot.
    Desktops are left out: any script can claim to be a Mac."""
    return (
        not detected.is_bot()
        and detected.client_type() == "browser"
        and bool(detected.device_brand())
        and _device_type(detected) not in ("", Device.DESKTOP)
    )


def _device_type(detected: DeviceDetector) -> str:
    kind = detected.device_type()
    return device_name(str(getattr(kind, "value", kind) or ""))


def _device_class(detected: DeviceDetector, os_family: str) -> str:
    device = _device_type(detected)
    if device:
        return device
    return Device.DESKTOP if os_family in _DESKTOP_OS else ""
