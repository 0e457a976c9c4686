"""One name per browser, operating system and device class, whoever named it first.

The beacon (ua-parser), the API, Matomo's device-detector and every importer's source (Plausible,
Umami, GoatCounter, our own CSV) spell the same thing differently: "Mac OS X", "Mac" and "macOS",
"Mobile Safari" and "Safari", "Samsung Browser" and "Samsung Internet". Everything stored goes
through these functions, so a dashboard groups them as one. Unknown names pass through unchanged.
"""

import re
from functools import lru_cache

from visits.models import Device

# Keys are lower case; values are the names the dashboard shows.
BROWSER_ALIASES = {
    # ua-parser's mobile and embedded builds
    "mobile safari": "Safari",
    "mobile safari ui/wkwebview": "Safari",
    "safari ui/wkwebview": "Safari",
    "chrome mobile": "Chrome",
    "chrome mobile ios": "Chrome",
    "chrome mobile webview": "Chrome WebView",
    "chrome webview": "Chrome WebView",
    "firefox mobile": "Firefox",
    "firefox ios": "Firefox",
    "firefox mobile ios": "Firefox",
    "edge mobile": "Edge",
    "edge ios": "Edge",
    "microsoft edge": "Edge",
    "opera mobile": "Opera",
    "ie": "Internet Explorer",
    "ie mobile": "Internet Explorer",
    "msie": "Internet Explorer",
    "samsung browser": "Samsung Internet",
    "samsungbrowser": "Samsung Internet",
    "mobile silk": "Amazon Silk",
    "silk": "Amazon Silk",
    "android browser": "Android",
    "headlesschrome": "Headless Chrome",
    "yandex": "Yandex Browser",
    "duckduckgo mobile": "DuckDuckGo",
    "duckduckgo privacy browser": "DuckDuckGo",
    "vivaldi mobile ios": "Vivaldi",
    "brave mobile": "Brave",
    "uc browser": "UC Browser",
    "ucbrowser": "UC Browser",
    "miui browser": "MIUI Browser",
    "mi browser": "MIUI Browser",
    "huawei browser mobile": "Huawei Browser",
    "facebook app": "Facebook",
    "instagram app": "Instagram",
    "miuibrowser": "MIUI Browser",
    "gnome web": "Epiphany",
    "qq browser mobile": "QQ Browser",
    "qt web engine": "QtWebEngine",
    "vivobrowser": "vivo Browser",
    "puffin web browser": "Puffin",
    "openwave mobile browser": "UP.Browser",
    # Umami's browser keys (its `browser` column)
    "chrome": "Chrome",
    "crios": "Chrome",
    "chromium-webview": "Chrome WebView",
    "firefox": "Firefox",
    "fxios": "Firefox",
    "safari": "Safari",
    "ios": "Safari",
    "ios-webview": "Safari",
    "edge-chromium": "Edge",
    "edge": "Edge",
    "edge-ios": "Edge",
    "opera": "Opera",
    "opera-mini": "Opera Mini",
    "samsung": "Samsung Internet",
    "yandexbrowser": "Yandex Browser",
    "android": "Android",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "brave": "Brave",
    "vivaldi": "Vivaldi",
    "miui": "MIUI Browser",
    "kakaotalk": "KakaoTalk",
    "aol": "AOL Explorer",
    "bb10": "BlackBerry",
    "beaker": "Beaker Browser",
    "phantomjs": "PhantomJS",
}
OS_ALIASES = {
    "mac os x": "macOS",
    "mac os": "macOS",
    "mac": "macOS",
    "os x": "macOS",
    "macos": "macOS",
    "macintosh": "macOS",
    "ipados": "iOS",
    "ios": "iOS",
    "android os": "Android",
    "android": "Android",
    "gnu/linux": "Linux",
    "linux": "Linux",
    "chromeos": "Chrome OS",
    "chrome os": "Chrome OS",
    "chromium os": "Chrome OS",
    "windows": "Windows",
    "win32": "Windows",
    "win64": "Windows",
    "windows mobile": "Windows Phone",
    "windows phone os": "Windows Phone",
    "blackberry": "BlackBerry OS",
    "sun os": "Solaris",
    "sunos": "Solaris",
    "fire os": "Android",
    "amazon os": "Android",
    "tizen": "Tizen",
    "kaios": "KaiOS",
    "ubuntu": "Ubuntu",
    "fedora": "Fedora",
    "debian": "Debian",
    "freebsd": "FreeBSD",
    "openbsd": "OpenBSD",
    "netbsd": "NetBSD",
    "watchos": "watchOS",
    "web0s": "webOS",
    "brew": "Brew",
}
DEVICE_ALIASES = {
    "desktop": Device.DESKTOP,
    "laptop": Device.DESKTOP,
    "computer": Device.DESKTOP,
    "mobile": Device.MOBILE,
    "phone": Device.MOBILE,
    "smartphone": Device.MOBILE,
    "feature phone": Device.MOBILE,
    "phablet": Device.MOBILE,
    "wearable": Device.MOBILE,
    "portable media player": Device.MOBILE,
    "tablet": Device.TABLET,
    "tv": Device.TV,
    "smart tv": Device.TV,
    "television": Device.TV,
    "console": Device.CONSOLE,
    "car": Device.CAR,
    "car browser": Device.CAR,
}
# "Windows 10", "Windows XP", "Windows NT 6.1": the version is not part of the name.
_WINDOWS_RELEASE = re.compile(
    r"^windows\s+(?:nt\b.*|xp|vista|me|2000|98|95|7|8|8\.1|10|11|server.*)$", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")


def _tidy(name: str) -> str:
    return _SPACES.sub(" ", name or "").strip()


@lru_cache(maxsize=1024)
def browser_name(name: str) -> str:
    """The one name of a browser: 'Mobile Safari' -> 'Safari', 'crios' -> 'Chrome'."""
    name = _tidy(name)
    return BROWSER_ALIASES.get(name.lower(), name)[:50]


@lru_cache(maxsize=1024)
def os_name(name: str) -> str:
    """The one name of an operating system: 'Mac OS X', 'Mac', 'OS X' -> 'macOS'."""
    name = _tidy(name)
    if _WINDOWS_RELEASE.match(name):
        return "Windows"
    return OS_ALIASES.get(name.lower(), name)[:50]


@lru_cache(maxsize=256)
def device_name(name: str) -> str:
    """The device class (see `visits.models.Device`), or "" for anything else."""
    return DEVICE_ALIASES.get(_tidy(name).lower(), "")
