"""Existing visits renamed to the one name per browser, operating system and device that
`visits.ingest.names` gives everything stored from now on, and the device classes tv, console
and car allowed. The daily rollups of every day that held a renamed value are dropped (as
`rollup_forget` does), so they are rebuilt and old and new names group as one.

The mapping is a frozen copy of `visits.ingest.names` as it was when this was written, so the
migration does the same on every database whatever that module becomes.
"""

import re

from django.db import migrations, models

BROWSER_ALIASES = {
    "miuibrowser": "MIUI Browser",
    "gnome web": "Epiphany",
    "qq browser mobile": "QQ Browser",
    "qt web engine": "QtWebEngine",
    "vivobrowser": "vivo Browser",
    "puffin web browser": "Puffin",
    "openwave mobile browser": "UP.Browser",
    "android": "Android",
    "android browser": "Android",
    "aol": "AOL Explorer",
    "bb10": "BlackBerry",
    "beaker": "Beaker Browser",
    "brave": "Brave",
    "brave mobile": "Brave",
    "chrome": "Chrome",
    "chrome mobile": "Chrome",
    "chrome mobile ios": "Chrome",
    "chrome mobile webview": "Chrome WebView",
    "chrome webview": "Chrome WebView",
    "chromium-webview": "Chrome WebView",
    "crios": "Chrome",
    "duckduckgo mobile": "DuckDuckGo",
    "duckduckgo privacy browser": "DuckDuckGo",
    "edge": "Edge",
    "edge ios": "Edge",
    "edge mobile": "Edge",
    "edge-chromium": "Edge",
    "edge-ios": "Edge",
    "facebook": "Facebook",
    "facebook app": "Facebook",
    "firefox": "Firefox",
    "firefox ios": "Firefox",
    "firefox mobile": "Firefox",
    "firefox mobile ios": "Firefox",
    "fxios": "Firefox",
    "headlesschrome": "Headless Chrome",
    "huawei browser mobile": "Huawei Browser",
    "ie": "Internet Explorer",
    "ie mobile": "Internet Explorer",
    "instagram": "Instagram",
    "instagram app": "Instagram",
    "ios": "Safari",
    "ios-webview": "Safari",
    "kakaotalk": "KakaoTalk",
    "mi browser": "MIUI Browser",
    "microsoft edge": "Edge",
    "miui": "MIUI Browser",
    "miui browser": "MIUI Browser",
    "mobile safari": "Safari",
    "mobile safari ui/wkwebview": "Safari",
    "mobile silk": "Amazon Silk",
    "msie": "Internet Explorer",
    "opera": "Opera",
    "opera mobile": "Opera",
    "opera-mini": "Opera Mini",
    "phantomjs": "PhantomJS",
    "safari": "Safari",
    "safari ui/wkwebview": "Safari",
    "samsung": "Samsung Internet",
    "samsung browser": "Samsung Internet",
    "samsungbrowser": "Samsung Internet",
    "silk": "Amazon Silk",
    "uc browser": "UC Browser",
    "ucbrowser": "UC Browser",
    "vivaldi": "Vivaldi",
    "vivaldi mobile ios": "Vivaldi",
    "yandex": "Yandex Browser",
    "yandexbrowser": "Yandex Browser",
}
OS_ALIASES = {
    "watchos": "watchOS",
    "web0s": "webOS",
    "brew": "Brew",
    "amazon os": "Android",
    "android": "Android",
    "android os": "Android",
    "blackberry": "BlackBerry OS",
    "chrome os": "Chrome OS",
    "chromeos": "Chrome OS",
    "chromium os": "Chrome OS",
    "debian": "Debian",
    "fedora": "Fedora",
    "fire os": "Android",
    "freebsd": "FreeBSD",
    "gnu/linux": "Linux",
    "ios": "iOS",
    "ipados": "iOS",
    "kaios": "KaiOS",
    "linux": "Linux",
    "mac": "macOS",
    "mac os": "macOS",
    "mac os x": "macOS",
    "macintosh": "macOS",
    "macos": "macOS",
    "netbsd": "NetBSD",
    "openbsd": "OpenBSD",
    "os x": "macOS",
    "sun os": "Solaris",
    "sunos": "Solaris",
    "tizen": "Tizen",
    "ubuntu": "Ubuntu",
    "win32": "Windows",
    "win64": "Windows",
    "windows": "Windows",
    "windows mobile": "Windows Phone",
    "windows phone os": "Windows Phone",
}
DEVICE_ALIASES = {
    "car": "car",
    "car browser": "car",
    "computer": "desktop",
    "console": "console",
    "desktop": "desktop",
    "feature phone": "mobile",
    "laptop": "desktop",
    "mobile": "mobile",
    "phablet": "mobile",
    "phone": "mobile",
    "portable media player": "mobile",
    "smart tv": "tv",
    "smartphone": "mobile",
    "tablet": "tablet",
    "television": "tv",
    "tv": "tv",
    "wearable": "mobile",
}

_WINDOWS_RELEASE = re.compile(
    r"^windows\s+(?:nt\b.*|xp|vista|me|2000|98|95|7|8|8\.1|10|11|server.*)$", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")


def _tidy(name):
    return _SPACES.sub(" ", name or "").strip()


def _browser(name):
    name = _tidy(name)
    return BROWSER_ALIASES.get(name.lower(), name)[:50]


def _os(name):
    name = _tidy(name)
    if _WINDOWS_RELEASE.match(name):
        return "Windows"
    return OS_ALIASES.get(name.lower(), name)[:50]


def _device(name):
    return DEVICE_ALIASES.get(_tidy(name).lower(), "")


RENAMES = {"browser": _browser, "os": _os, "device": _device}


def rename(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    DailyRollup = apps.get_model("visits", "DailyRollup")
    for field, canonical in RENAMES.items():
        values = Visit.objects.order_by().values_list(field, flat=True).distinct()
        for old in list(values):
            new = canonical(old)
            if new == old:
                continue
            # One UPDATE per distinct value: a few hundred statements, however many visits.
            Visit.objects.filter(**{field: old}).update(**{field: new})
            # The rollups' dimension is named after the field for these three.
            days = DailyRollup.objects.filter(dimension=field, value=old).values_list(
                "site_id", "day"
            )
            by_site = {}
            for site_id, day in days:
                by_site.setdefault(site_id, set()).add(day)
            for site_id, site_days in by_site.items():
                DailyRollup.objects.filter(site_id=site_id, day__in=site_days).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0009_visit_source_channel"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="visit",
            name="visit_device_known",
        ),
        migrations.AlterField(
            model_name="visit",
            name="device",
            field=models.CharField(
                blank=True,
                choices=[
                    ("desktop", "Desktop"),
                    ("mobile", "Mobile"),
                    ("tablet", "Tablet"),
                    ("tv", "TV"),
                    ("console", "Game console"),
                    ("car", "Car"),
                ],
                max_length=10,
                verbose_name="device",
            ),
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("device__in", ["", "desktop", "mobile", "tablet", "tv", "console", "car"])
                ),
                name="visit_device_known",
            ),
        ),
        # Names once merged can't be told apart again: going back leaves them merged.
        migrations.RunPython(rename, migrations.RunPython.noop),
    ]
