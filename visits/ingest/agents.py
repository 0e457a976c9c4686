"""What a user agent string says: browser, OS, device type, and whether it is a bot.

Parsing is done by ua-parser and crawler detection by crawlerdetect, both maintained lists;
results are cached per user-agent string because the same few strings arrive again and again.
"""

from dataclasses import dataclass
from functools import lru_cache

from crawlerdetect import CrawlerDetect
from ua_parser import parse

from visits.models import Device

# ua-parser names mobile builds separately; owners think of them as the same browser.
_BROWSER_NAMES = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome WebView",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
}
_OS_NAMES = {"Mac OS X": "macOS"}
_DESKTOP_OS = {"Windows", "Mac OS X", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS", "FreeBSD"}
_crawler_detect = CrawlerDetect()


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
    """Describe a user agent; an empty one counts as a bot, since every browser sends one."""
    if not user_agent.strip():
        return Agent(is_bot=True)
    result = parse(user_agent)
    device_family = result.device.family if result.device else ""
    is_bot = device_family == "Spider" or _crawler_detect.isCrawler(user_agent)
    browser = result.user_agent.family if result.user_agent else ""
    version = (result.user_agent.major or "") if result.user_agent else ""
    os_family = result.os.family if result.os else ""
    return Agent(
        browser=_BROWSER_NAMES.get(browser, browser)[:50],
        browser_version=version[:20],
        os=_OS_NAMES.get(os_family, os_family)[:50],
        device=_device_type(user_agent, result, os_family),
        is_bot=is_bot,
    )


def _device_type(user_agent: str, result, os_family: str) -> str:
    device = result.device
    if device is not None:
        if device.family == "iPad" or (device.brand or "").endswith("_Tablet"):
            return Device.TABLET
        if device.family in ("iPhone", "iPod"):
            return Device.MOBILE
    if os_family == "Android":
        # Android phones say "Mobile"; tablets leave it out.
        return Device.MOBILE if "Mobile" in user_agent else Device.TABLET
    if os_family in ("iOS", "Windows Phone", "BlackBerry OS", "KaiOS"):
        return Device.MOBILE
    if os_family in _DESKTOP_OS:
        return Device.DESKTOP
    return ""
