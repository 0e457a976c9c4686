"""One name per browser, operating system and device, whichever source named it."""

import csv
import io
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from visits.importers import plausible
from visits.ingest.names import browser_name, device_name, os_name
from visits.models import Visit


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("Mobile Safari", "Safari"),
        ("Mobile Safari UI/WKWebView", "Safari"),
        ("Chrome Mobile iOS", "Chrome"),
        ("Chrome Mobile", "Chrome"),
        ("crios", "Chrome"),
        ("Samsung Browser", "Samsung Internet"),
        ("samsung", "Samsung Internet"),
        ("Microsoft Edge", "Edge"),
        ("edge-chromium", "Edge"),
        ("Firefox iOS", "Firefox"),
        ("IE", "Internet Explorer"),
        ("  Safari  ", "Safari"),
        ("Chrome", "Chrome"),
        ("Some New Browser", "Some New Browser"),
        ("", ""),
    ],
)
def test_browser_names(given, name):
    assert browser_name(given) == name


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("Mac OS X", "macOS"),
        ("Mac", "macOS"),
        ("OS X", "macOS"),
        ("Mac OS", "macOS"),
        ("macOS", "macOS"),
        ("Windows 10", "Windows"),
        ("Windows XP", "Windows"),
        ("Windows NT 6.1", "Windows"),
        ("Windows Phone", "Windows Phone"),
        ("GNU/Linux", "Linux"),
        ("Android OS", "Android"),
        ("iPadOS", "iOS"),
        ("Haiku", "Haiku"),
    ],
)
def test_os_names(given, name):
    assert os_name(given) == name


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("laptop", "desktop"),
        ("Desktop", "desktop"),
        ("smartphone", "mobile"),
        ("feature phone", "mobile"),
        ("phablet", "mobile"),
        ("Tablet", "tablet"),
        ("tv", "tv"),
        ("console", "console"),
        ("car browser", "car"),
        ("camera", ""),
        ("", ""),
    ],
)
def test_device_names(given, name):
    assert device_name(given) == name


def test_names_are_stable_when_given_again():
    for name in ("Safari", "Chrome", "Samsung Internet", "Edge", "Internet Explorer"):
        assert browser_name(browser_name(name)) == browser_name(name) == name
    for name in ("macOS", "Windows", "Linux", "iOS", "Android", "Chrome OS"):
        assert os_name(name) == name


def test_plausible_breakdowns_use_the_names():
    assert plausible._browser({"browser": "Samsung Browser"}) == {"browser": "Samsung Internet"}
    assert plausible._system({"operating_system": "Mac"}) == {"os": "macOS"}
    assert plausible._device({"device": "Laptop"}) == {"device": "desktop"}


# --- importers, through the command ------------------------------------------------------------
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
UMAMI_HEADER = ["website_id", "session_id", "visit_id", "event_id", "hostname", "browser", "os",
                "device", "screen", "language", "country", "subdivision1", "city", "url_path",
                "url_query", "referrer_path", "referrer_query", "referrer_domain", "page_title",
                "event_type", "event_name", "created_at"]  # fmt: skip
GOATCOUNTER_HEADER = ["2Path", "Title", "Event", "UserAgent", "Browser", "System", "Session",
                      "Bot", "Referrer", "Referrer scheme", "Screen size", "Location",
                      "FirstVisit", "Date"]  # fmt: skip


def _import(site, tmp_path, name, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("import_visits", str(site.pk), str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def _stored(site):
    return set(Visit.objects.filter(site=site).values_list("browser", "os", "device"))


def test_umami_names_are_the_beacons(site, tmp_path):
    def row(session, browser, system, device):
        return ["w", session, "v", "e", "blog.example.com", browser, system, device,
                "390x844", "en", "DE", "", "", "/", "", "", "", "", "T", "1", "",
                "2026-03-06 08:00:00"]  # fmt: skip

    _import(
        site,
        tmp_path,
        "umami.csv",
        [UMAMI_HEADER, row("a", "crios", "iOS", "mobile"), row("b", "safari", "Mac OS", "laptop"),
         row("c", "ios", "iOS", "tablet"), row("d", "samsung", "Android OS", "mobile")],
    )  # fmt: skip
    assert _stored(site) == {
        ("Chrome", "iOS", "mobile"),
        ("Safari", "macOS", "desktop"),
        ("Safari", "iOS", "tablet"),
        ("Samsung Internet", "Android", "mobile"),
    }


def test_goatcounter_names_are_the_beacons(site, tmp_path):
    def row(session, browser, system):
        return ["/", "T", "false", "", browser, system, session, "0", "", "", "1920,1080,1",
                "US", "true", "2026-03-05T10:00:00Z"]  # fmt: skip

    _import(
        site,
        tmp_path,
        "goatcounter.csv",
        [GOATCOUNTER_HEADER, row("a", "Chrome 126", "Windows 10"),
         row("b", "Safari 17", "macOS 14.4"), row("c", "Edge 120", "Mac OS X 10.15")],
    )  # fmt: skip
    assert {(browser, system) for browser, system, _ in _stored(site)} == {
        ("Chrome", "Windows"),
        ("Safari", "macOS"),
        ("Edge", "macOS"),
    }


def test_our_own_csv_written_with_older_names_imports_them_renamed(site, tmp_path):
    header = ["timestamp", "url", "referrer", "event", "browser", "os", "device", "country",
              "region", "city"]  # fmt: skip
    rows = [
        header,
        ["2026-03-05T10:00:00+00:00", "https://blog.example.com/", "", "pageview",
         "Mobile Safari", "Mac OS X", "tablet", "", "", ""],
        ["2026-03-05T10:01:00+00:00", "https://blog.example.com/", "", "pageview",
         "Samsung Browser", "Android", "mobile", "", "", ""],
    ]  # fmt: skip
    output = _import(site, tmp_path, "visits.csv", rows)
    assert "Imported 2 visits" in output
    assert _stored(site) == {
        ("Safari", "macOS", "tablet"),
        ("Samsung Internet", "Android", "mobile"),
    }
