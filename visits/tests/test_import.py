"""`manage.py import_visits`: our own CSV round-trips, each peer format's sample file lands with
the figures it holds, an access log written here is read like the beacon would, bad rows are
reported and skipped, and a second run imports nothing."""

import csv
import io
import json
import zipfile
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import CHROME_UA, IPHONE_UA
from sites.services import site_create
from visits.models import DailyRollup, Visit
from visits.site_export import EXPORT_COLUMNS, site_export_csv
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_totals
from visits.stats.periods import period_resolve
from visits.stats.rollups import rollup_ensure
from visits.tests.factories import VisitFactory
from visits.tests.geoip_data import LONDON_V4

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
CHROME, IPHONE = CHROME_UA, IPHONE_UA


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _import(site, path, *args):
    out = StringIO()
    call_command("import_visits", str(site.pk), str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _month(site, key="custom", start="2026-03-01", end="2026-03-19"):
    return period_resolve(key=key, tz_name=site.timezone, now=NOW, start=start, end=end)


def _totals(site, **period):
    return visit_totals(site=site, period=_month(site, **period), filters={}, now=NOW)[0]


def _breakdown(site, dimension):
    rows = visit_breakdown(
        site=site, period=_month(site), filters={}, dimension=dimension, now=NOW, limit=50
    )
    return {row.value: (row.visitors, row.count) for row in rows}


# --- our own CSV ---------------------------------------------------------------------------
@pytest.fixture
def history(site):
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 2, 9, 0, 1, 250000, tzinfo=UTC),
        url="https://blog.example.com/a?utm_source=news",
        referrer="https://news.example.net/item",
        browser="Firefox",
        os="Linux",
        device="desktop",
        country="Germany",
        country_code="DE",
        city="Berlin",
        visitor_hash=11,
    )
    for _ in range(2):  # the same hit twice in one instant: both must come back
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 3, 10, tzinfo=UTC),
            url="https://blog.example.com/b",
            event="signup",
            props={"plan": "pro"},
            visitor_hash=12,
        )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 4, 10, tzinfo=UTC),
        url="https://blog.example.com/=cmd",
        referrer="-sneaky",
        visitor_hash=13,
    )


def _rows(site, columns):
    rows = Visit.objects.filter(site=site).values_list(*columns)
    return Counter(tuple(json.dumps(value) if isinstance(value, dict) else value for value in row)
                   for row in rows)  # fmt: skip


def test_our_visits_csv_round_trips_and_a_second_run_adds_nothing(
    owner_client, site, owner, history, tmp_path
):
    download = owner_client.get(f"/sites/{site.pk}/visits.csv")
    path = tmp_path / "visits.csv"
    path.write_bytes(b"".join(download.streaming_content))
    copy = site_create(owner=owner, name="Copy", base_url="https://copy.example.com")

    first = _import(copy, path)
    assert "Imported 4 visits" in first
    assert "this app's CSV" in first
    columns = ("timestamp", "url", "referrer", "event", "browser", "os", "device", "country",
               "city", "country_code", "path", "referrer_domain")  # fmt: skip
    assert _rows(copy, columns) == _rows(site, columns)  # formulas defused and restored too

    second = _import(copy, path)
    assert "Imported 0 visits" in second
    assert "Imported before, left as they are: 4." in second
    assert Visit.objects.filter(site=copy).count() == 4


def test_a_full_export_round_trips_every_column(site, owner, history, tmp_path):
    path = tmp_path / "site.csv"
    path.write_text("".join(site_export_csv(site=site)), encoding="utf-8")
    copy = site_create(owner=owner, name="Copy", base_url="https://copy.example.com")
    _import(copy, path, "--format", "ours")
    assert _rows(copy, EXPORT_COLUMNS) == _rows(site, EXPORT_COLUMNS)


@pytest.fixture
def purchases(site):
    for amount, currency, hash_ in (("12.50", "EUR", 21), ("0.0050", "USD", 22), ("7", "EUR", 21)):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 5, 10, hash_, tzinfo=UTC),
            url="https://blog.example.com/checkout",
            event="purchase",
            revenue_amount=Decimal(amount),
            revenue_currency=currency,
            visitor_hash=hash_,
        )


REVENUE = ("event", "path", "revenue_amount", "revenue_currency")


def test_revenue_comes_back_from_the_visits_csv_and_the_full_export(
    owner_client, site, owner, purchases, tmp_path
):
    download = owner_client.get(f"/sites/{site.pk}/visits.csv")
    path = tmp_path / "visits.csv"
    path.write_bytes(b"".join(download.streaming_content))
    header, *lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert sorted(line[header.index("revenue_amount")] for line in lines) == [
        "0.0050", "12.5000", "7.0000"
    ]  # fmt: skip
    copy = site_create(owner=owner, name="Copy", base_url="https://copy.example.com")
    assert "Imported 3 visits" in _import(copy, path)
    assert _rows(copy, REVENUE) == _rows(site, REVENUE)
    assert sum(Visit.objects.filter(site=copy).values_list("revenue_amount", flat=True)) == Decimal(
        "19.5050"
    )

    export = tmp_path / "site.csv"
    export.write_text("".join(site_export_csv(site=site)), encoding="utf-8")
    other = site_create(owner=owner, name="Other", base_url="https://other.example.com")
    _import(other, export, "--format", "ours")
    assert _rows(other, REVENUE) == _rows(site, REVENUE)


METRICS = ("event", "path", "scroll_depth", "lcp", "inp", "cls", "fcp", "ttfb")


def test_engagement_measurements_come_back_from_the_visits_csv_and_the_full_export(
    owner_client, site, owner, tmp_path
):
    for minute, (scroll, lcp, cls) in enumerate(((55, 2300, 0.125), (100, None, 0.0))):
        ping = VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 5, 10, minute, tzinfo=UTC),
            event="engagement",
            scroll_depth=scroll,
            lcp=lcp,
            inp=180,
            fcp=900,
            ttfb=120,
        )
        Visit.objects.filter(pk=ping.pk).update(cls=cls)  # `cls` is the factory's own argument
    VisitFactory(site=site, timestamp=datetime(2026, 3, 5, 10, 5, tzinfo=UTC))  # a pageview
    download = owner_client.get(f"/sites/{site.pk}/visits.csv")
    path = tmp_path / "visits.csv"
    path.write_bytes(b"".join(download.streaming_content))
    copy = site_create(owner=owner, name="Copy", base_url="https://copy.example.com")
    assert "Imported 3 visits" in _import(copy, path)
    assert _rows(copy, METRICS) == _rows(site, METRICS)

    export = tmp_path / "site.csv"
    export.write_text("".join(site_export_csv(site=site)), encoding="utf-8")
    other = site_create(owner=owner, name="Other", base_url="https://other.example.com")
    _import(other, export, "--format", "ours")
    assert _rows(other, METRICS) == _rows(site, METRICS)


def test_unusable_revenue_in_our_csv_is_skipped_and_reported(site, tmp_path):
    header = ["timestamp", "url", "event", "revenue_amount", "revenue_currency"]
    path = _write(
        tmp_path,
        "visits.csv",
        _csv(
            [
                header,
                ["2026-03-05T10:00:00Z", "https://blog.example.com/a", "purchase", "9.99", "EUR"],
                ["2026-03-05T10:01:00Z", "https://blog.example.com/a", "purchase", "-3", "EUR"],
                ["2026-03-05T10:02:00Z", "https://blog.example.com/a", "purchase", "5", "XYZ"],
                ["2026-03-05T10:03:00Z", "https://blog.example.com/a", "purchase", "5", ""],
            ]
        ),
    )
    report = _import(site, path)
    assert "Imported 1 visit" in report
    assert "unusable revenue" in report
    assert list(Visit.objects.filter(site=site).values_list(*REVENUE[2:])) == [
        (Decimal("9.99"), "EUR")
    ]


def test_erased_visits_come_back_from_the_same_file(site, history, tmp_path):
    path = tmp_path / "site.csv"
    path.write_text("".join(site_export_csv(site=site)), encoding="utf-8")
    _import(site, path)  # every row is the site's own, from before: stored once more
    assert Visit.objects.filter(site=site).count() == 8
    Visit.objects.filter(site=site).delete()
    assert "Imported 4 visits" in _import(site, path)
    assert "Imported 0 visits" in _import(site, path)


# --- GoatCounter ---------------------------------------------------------------------------
GOATCOUNTER_HEADER = ["2Path", "Title", "Event", "UserAgent", "Browser", "System", "Session",
                      "Bot", "Referrer", "Referrer scheme", "Screen size", "Location",
                      "FirstVisit", "Date"]  # fmt: skip


def _goat(path, *, event="false", browser="Chrome 126", system="Windows 10", session="s1",
          bot="0", referrer="", scheme="", screen="1920,1080,1", location="US-TX",
          when="2026-03-05T10:00:00Z"):  # fmt: skip
    return [path, "Title", event, "", browser, system, session, bot, referrer, scheme, screen,
            location, "true", when]  # fmt: skip


def test_goatcounter_export(site, tmp_path):
    rows = [
        GOATCOUNTER_HEADER,
        _goat("/", referrer="news.ycombinator.com/item?id=1", scheme="h"),
        _goat("/about", when="2026-03-05T10:01:00Z"),
        _goat("signup", event="true", when="2026-03-05T10:02:00Z"),
        _goat(
            "/",
            session="s2",
            browser="Safari 17.4",
            system="iOS 17.4",
            screen="390,844,3",
            location="GB",
            referrer="Hacker News",
            scheme="g",
        ),
        _goat("/", bot="3"),
        _goat("/", when="yesterday"),
        ["/too", "few"],
    ]
    path = _write(tmp_path, "goatcounter.csv", _csv(rows))
    output = _import(site, path)
    assert "Imported 4 visits" in output
    assert "a GoatCounter export" in output
    assert "1 bot (first at line 6)" in output
    assert "1 unreadable time (first at line 7: yesterday)" in output
    assert "1 malformed row (first at line 8: expected 14 cells)" in output

    texas = Visit.objects.get(site=site, path="/", country_code="US", event="pageview")
    assert (texas.country, texas.region, texas.browser, texas.browser_version) == (
        "United States", "Texas", "Chrome", "126",
    )  # fmt: skip
    assert (texas.os, texas.screen, texas.referrer_domain) == (
        "Windows", "desktop", "news.ycombinator.com",
    )  # fmt: skip
    # The event is kept on the page its session viewed last, not on the home page.
    assert Visit.objects.get(site=site, event="signup").path == "/about"
    # Pages after the visit's first came from the site itself; a named source stays named.
    about = Visit.objects.get(site=site, path="/about", event="pageview")
    assert (about.referrer, about.referrer_domain) == ("", "(internal)")
    british = Visit.objects.get(site=site, country_code="GB")
    assert (british.referrer, british.screen, british.os) == ("", "mobile", "iOS")
    assert british.referrer_domain == "Hacker News"
    totals = _totals(site)
    assert (totals.visitors, totals.pageviews, totals.events) == (2, 3, 1)
    assert "Imported 0 visits" in _import(site, path)


def test_goatcounter_version_1_is_refused_with_advice(site, tmp_path):
    path = _write(tmp_path, "old.csv", "1Path,Title,Event\n/,x,false\n")
    with pytest.raises(CommandError, match="version 1 is not supported"):
        _import(site, path, "--format", "goatcounter")
    assert not Visit.objects.exists()


# --- Umami ---------------------------------------------------------------------------------
UMAMI_HEADER = ["website_id", "session_id", "visit_id", "event_id", "hostname", "browser", "os",
                "device", "screen", "language", "country", "subdivision1", "city", "url_path",
                "url_query", "referrer_path", "referrer_query", "referrer_domain", "page_title",
                "event_type", "event_name", "created_at"]  # fmt: skip


def _umami(session, path, *, kind="1", name="", browser="chrome", os="Windows 10",
           device="laptop", query="", referrer_domain="", when="2026-03-06 08:00:00"):  # fmt: skip
    return ["w", session, "v", "e", "blog.example.com", browser, os, device, "1440x900", "en",
            "DE", "DE-BE", "Berlin", path, query, "/search", "", referrer_domain, "T", kind,
            name, when]  # fmt: skip


def test_umami_export(site, tmp_path):
    rows = [
        UMAMI_HEADER,
        _umami("a", "/pricing", query="utm_source=mail", referrer_domain="www.google.com"),
        _umami("a", "/pricing", kind="2", name="checkout", when="2026-03-06 08:01:00"),
        _umami("b", "/", browser="ios", os="iOS", device="mobile", when="2026-03-06T09:00:00Z"),
        _umami("c", "/", kind="3"),
        _umami("d", "/", when="not a time"),
    ]
    output = _import(site, _write(tmp_path, "umami.csv", _csv(rows)))
    assert "Imported 3 visits" in output
    assert "an Umami export" in output
    assert "1 not a pageview or custom event (first at line 5: event_type 3)" in output
    assert "1 unreadable time (first at line 6: not a time)" in output
    first = Visit.objects.get(site=site, event="pageview", path="/pricing")
    assert (first.browser, first.os, first.device, first.screen) == (
        "Chrome", "Windows", "desktop", "desktop",
    )  # fmt: skip
    assert (first.country, first.region, first.city) == ("Germany", "Berlin", "Berlin")
    assert (first.referrer, first.utm_source) == ("https://www.google.com/search", "mail")
    assert first.timestamp == datetime(2026, 3, 6, 8, tzinfo=UTC)
    assert Visit.objects.get(site=site, event="checkout").path == "/pricing"
    mobile = Visit.objects.get(site=site, path="/")
    assert (mobile.browser, mobile.device) == ("Safari", "mobile")
    assert (_totals(site).visitors, _totals(site).pageviews) == (2, 2)


# --- access logs ---------------------------------------------------------------------------
def _log(address, when, request, status, referrer="-", agent=CHROME):
    return f'{address} - - [{when}] "{request}" {status} 512 "{referrer}" "{agent}"'


def test_access_log(site, tmp_path, geoip_dir):
    lines = [
        _log(
            LONDON_V4,
            "07/Mar/2026:10:00:00 +0000",
            "GET /?utm_campaign=spring HTTP/1.1",
            200,
            referrer="https://duckduckgo.com/",
        ),
        _log(LONDON_V4, "07/Mar/2026:10:00:01 +0000", "GET /style.css HTTP/1.1", 200),
        _log(LONDON_V4, "07/Mar/2026:10:05:00 +0000", "GET /blog/ HTTP/1.1", 304),
        _log(
            "198.51.100.7", "07/Mar/2026:11:00:00 +0100", "GET /blog/ HTTP/2.0", 200, agent=IPHONE
        ),
        _log("198.51.100.7", "07/Mar/2026:11:00:05 +0100", "POST /comment HTTP/1.1", 200),
        _log("198.51.100.8", "07/Mar/2026:12:00:00 +0000", "GET /missing HTTP/1.1", 404),
        _log(
            "66.249.66.1",
            "07/Mar/2026:12:00:00 +0000",
            "GET / HTTP/1.1",
            200,
            agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ),
        "this line is garbage",
        "",
    ]
    path = _write(tmp_path, "access.log", "\n".join(lines))
    output = _import(site, path)
    assert "Imported 2 visits" in output
    assert "an access log" in output
    for expected in (
        "1 not a page (asset) (first at line 2)",
        "1 status 304 (first at line 3)",
        "1 not a GET request (first at line 5: POST)",
        "1 status 404 (first at line 6)",
        "1 bot (first at line 7)",
        "1 malformed line (first at line 8)",
    ):
        assert expected in output
    home = Visit.objects.get(site=site, path="/")
    assert (home.city, home.country, home.browser) == ("London", "United Kingdom", "Chrome")
    assert (home.referrer_domain, home.utm_campaign) == ("duckduckgo.com", "spring")
    assert home.url == "https://blog.example.com/?utm_campaign=spring"
    phone = Visit.objects.get(site=site, device="mobile")
    assert phone.timestamp == datetime(2026, 3, 7, 10, tzinfo=UTC)
    assert "198.51.100.7" not in str(Visit.objects.values_list().filter(pk=phone.pk).get())
    totals = _totals(site)
    assert (totals.visitors, totals.pageviews, totals.sessions) == (2, 2, 2)
    assert "Imported 0 visits" in _import(site, path)


def test_an_unknown_file_is_refused_and_nothing_is_stored(site, tmp_path):
    path = _write(tmp_path, "notes.txt", "dear diary\n")
    with pytest.raises(CommandError, match="Can't tell what kind of file this is"):
        _import(site, path)
    with pytest.raises(CommandError, match="not an access log"):
        _import(site, path, "--format", "access-log")
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "x.csv"], "There is no site 999999"),
        (["{site}", "missing.csv"], "There is no file"),
        (["{site}", "{file}", "--batch-size", "0"], "--batch-size must be between"),
    ],
)
def test_command_refusals(site, tmp_path, args, message):
    path = _write(tmp_path, "x.csv", "timestamp,url\n")
    args = [arg.format(site=site.pk, file=path) for arg in args]
    with pytest.raises(CommandError, match=message):
        call_command("import_visits", *args, stdout=StringIO())


def test_hostile_bytes_never_stop_an_import(site, tmp_path):
    path = tmp_path / "ours.csv"
    path.write_bytes(
        b"timestamp,url,referrer\n"
        b"2026-03-08T10:00:00+00:00,https://blog.example.com/\x00x\xff,\n"
        b"2026-03-08T10:00:01+00:00,javascript:alert(1),\n"
        b'2026-03-08T10:00:02+00:00,"https://blog.example.com/' + b"a" * 200_000 + b'",\n'
        b"2026-03-08T10:00:03+00:00,https://blog.example.com/ok,\n"
    )
    output = _import(site, path)
    assert "Imported 2 visits" in output
    assert "1 unusable page address (first at line 3" in output
    assert "1 malformed row (first at line 4" in output
    assert "\x00" not in Visit.objects.order_by("timestamp").first().url


# --- Plausible -----------------------------------------------------------------------------
PLAUSIBLE = {
    "imported_visitors": [
        ["date", "visitors", "pageviews", "bounces", "visits", "visit_duration"],
        ["2026-03-09", "5", "9", "2", "6", "600"],
        ["2026-03-10", "2", "2", "2", "2", "0"],
    ],
    "imported_pages": [
        [
            "date",
            "hostname",
            "page",
            "visits",
            "visitors",
            "pageviews",
            "scroll_depth",
            "pageleave_visitors",
        ],
        ["2026-03-09", "blog.example.com", "/", "5", "4", "6", "", "0"],
        ["2026-03-09", "blog.example.com", "/pricing", "2", "2", "3", "", "0"],
        ["2026-03-10", "blog.example.com", "/", "2", "2", "2", "", "0"],
        ["bad-date", "blog.example.com", "/", "1", "1", "1", "", "0"],
    ],
    "imported_sources": [
        [
            "date",
            "source",
            "referrer",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_content",
            "utm_term",
            "pageviews",
            "visitors",
            "visits",
            "visit_duration",
            "bounces",
        ],
        [
            "2026-03-09",
            "Hacker News",
            "news.ycombinator.com",
            "",
            "",
            "",
            "",
            "",
            "4",
            "2",
            "2",
            "0",
            "0",
        ],
        ["2026-03-09", "Newsletter", "", "mail", "email", "", "", "", "1", "1", "1", "0", "1"],
    ],
    "imported_locations": [
        [
            "date",
            "country",
            "region",
            "city",
            "visitors",
            "visits",
            "visit_duration",
            "bounces",
            "pageviews",
        ],
        ["2026-03-09", "FR", "FR-IDF", "2988507", "3", "3", "0", "1", "5"],
        ["2026-03-09", "JP", "", "0", "2", "2", "0", "1", "4"],
        ["2026-03-10", "FR", "", "0", "2", "2", "0", "2", "2"],
    ],
    "imported_browsers": [
        [
            "date",
            "browser",
            "browser_version",
            "visitors",
            "visits",
            "visit_duration",
            "bounces",
            "pageviews",
        ],
        ["2026-03-09", "Firefox", "124", "4", "4", "0", "1", "7"],
        ["2026-03-09", "Microsoft Edge", "122", "1", "1", "0", "1", "2"],
    ],
    "imported_devices": [
        ["date", "device", "visitors", "visits", "visit_duration", "bounces", "pageviews"],
        ["2026-03-09", "Mobile", "2", "2", "0", "1", "3"],
        ["2026-03-09", "Desktop", "3", "3", "0", "1", "6"],
    ],
    "imported_custom_events": [
        ["date", "name", "link_url", "path", "visitors", "events"],
        ["2026-03-09", "Outbound Link: Click", "https://github.com/", "", "1", "2"],
        ["2026-03-09", "Signup", "", "/pricing", "2", "2"],
    ],
}


def _plausible_zip(tmp_path):
    path = tmp_path / "plausible-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for table, rows in PLAUSIBLE.items():
            archive.writestr(f"{table}_20260301_20260319.csv", _csv(rows))
        archive.writestr("README.txt", "not a table")
    return path


def test_a_plausible_export_adds_up_to_its_figures(site, tmp_path):
    path = _plausible_zip(tmp_path)
    output = _import(site, path)
    assert "a Plausible export" in output
    assert "Imported 15 visits" in output  # 9 + 2 pageviews, 4 events
    assert "1 malformed row (first at line 5: imported_pages_20260301_20260319.csv" in output

    totals = _totals(site)
    assert (totals.visitors, totals.pageviews, totals.events) == (7, 11, 4)
    day = _totals(site, start="2026-03-09", end="2026-03-09")
    assert (day.visitors, day.pageviews) == (5, 9)
    assert _breakdown(site, "page") == {"/": (6, 8), "/pricing": (2, 3)}
    sources = _breakdown(site, "referrer")
    assert sources["news.ycombinator.com"][0] == 2
    assert _breakdown(site, "source")["mail"][0] == 1
    # Each breakdown's visitors are Plausible's; its pageviews follow from the layout.
    countries = _breakdown(site, "country")
    assert {code: row[0] for code, row in countries.items()} == {"FR": 5, "JP": 2}
    assert _breakdown(site, "browser")["Firefox"][0] == 4
    assert _breakdown(site, "browser")["Edge"][0] == 1
    assert _breakdown(site, "device")["mobile"][0] == 2
    assert Visit.objects.filter(site=site, region="Île-de-France").exists()
    outbound = Visit.objects.filter(site=site, event="Outbound Link: Click")
    assert [visit.props for visit in outbound] == [{"url": "https://github.com/"}] * 2
    assert Visit.objects.filter(site=site, event="Signup", path="/pricing").count() == 2
    assert {visit.timestamp.date() for visit in Visit.objects.filter(site=site)} == {
        date(2026, 3, 9), date(2026, 3, 10),
    }  # fmt: skip

    assert "Imported 0 visits" in _import(site, path)
    assert Visit.objects.filter(site=site).count() == 15


def test_a_plausible_export_lands_on_the_sites_local_days(site, tmp_path):
    site.timezone = "Asia/Tokyo"
    site.save()
    _import(site, _plausible_zip(tmp_path))
    day = _totals(site, start="2026-03-09", end="2026-03-09")
    assert (day.visitors, day.pageviews) == (5, 9)


def test_a_zip_without_days_is_refused(site, tmp_path):
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imported_visitors_20260301_20260319.csv", "date,visitors\n")
    with pytest.raises(CommandError, match="no imported_visitors file, or it is empty"):
        _import(site, path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imported_browsers_20260301_20260319.csv", "date,browser,visitors\n")
    with pytest.raises(CommandError, match="no imported_pages file"):
        _import(site, path)


# --- batches, rollups, progress ------------------------------------------------------------
def test_imported_days_are_counted_afresh(site, tmp_path):
    VisitFactory(
        site=site, timestamp=datetime(2026, 3, 9, 8, tzinfo=UTC), url="https://blog.example.com/"
    )
    rollup_ensure(site=site, first_day=date(2026, 3, 1), last_day=date(2026, 3, 19), now=NOW)
    assert DailyRollup.objects.filter(site=site, day=date(2026, 3, 9)).exists()
    assert _totals(site).pageviews == 1
    _import(site, _plausible_zip(tmp_path), "--batch-size", "4")
    assert not DailyRollup.objects.filter(site=site, day=date(2026, 3, 9)).exists()
    assert _totals(site).pageviews == 12


def test_dry_run_stores_nothing(site, tmp_path):
    output = _import(site, _plausible_zip(tmp_path), "--dry-run")
    assert "Would import 15 visits" in output
    assert not Visit.objects.exists()


def test_progress_bar(site, tmp_path):
    errors = StringIO()
    call_command(
        "import_visits", str(site.pk), str(_plausible_zip(tmp_path)), "--progress",
        "--batch-size", "2", stdout=StringIO(), stderr=errors,
    )  # fmt: skip
    assert "Importing plausible-export.zip" in errors.getvalue()
    assert "100%" in errors.getvalue()


def test_a_concurrent_run_of_the_same_file_stores_each_visit_once(site, tmp_path, monkeypatch):
    from visits.importers import service

    rows = [GOATCOUNTER_HEADER, *(_goat(f"/{n}", session=f"s{n}") for n in range(5))]
    path = _write(tmp_path, "goatcounter.csv", _csv(rows))
    _import(site, path)
    # Another run stored them between this run's look-up and its insert: the look-up sees none.
    monkeypatch.setattr(service, "_existing_keys", lambda site, keys: set())
    rows.append(_goat("/new", session="s9"))
    _import(site, _write(tmp_path, "goatcounter.csv", _csv(rows)))
    assert Visit.objects.filter(site=site).count() == 6
    assert Visit.objects.filter(site=site, path="/new").count() == 1


def test_an_absurd_plausible_day_is_refused_not_laid_out(site, tmp_path):
    path = tmp_path / "huge.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "imported_pages_20260301_20260319.csv",
            _csv([["date", "hostname", "page", "visits", "visitors", "pageviews"],
                  ["2026-03-09", "h", "/", "1", "1", "1"],
                  ["2026-03-10", "h", "/", "1", "1", "99999999999"]]),
        )  # fmt: skip
    output = _import(site, path)
    assert "Imported 1 visits" in output
    assert "1 day too large to lay out (2026-03-10: 99,999,999,999 visitors or hits)" in output


def test_a_row_repeated_in_a_plausible_export_counts_twice(site, tmp_path):
    path = tmp_path / "twice.zip"
    row = ["2026-03-09", "h", "/", "1", "1", "2"]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "imported_pages_20260301_20260319.csv",
            _csv([["date", "hostname", "page", "visits", "visitors", "pageviews"], row, row]),
        )
    assert "Imported 4 visits" in _import(site, path)
    assert "Imported 0 visits" in _import(site, path)
    assert Visit.objects.filter(site=site).count() == 4


def test_imported_visitors_are_hashed_with_a_salt_of_the_run_never_a_lasting_key(
    site, other_site, tmp_path
):
    lines = [
        _log(LONDON_V4, "07/Mar/2026:10:00:00 +0000", "GET / HTTP/1.1", 200),
        _log(LONDON_V4, "07/Mar/2026:10:10:00 +0000", "GET /blog/ HTTP/1.1", 200),
    ]
    path = _write(tmp_path, "access.log", "\n".join(lines))
    _import(site, path)
    _import(other_site, path)
    first = set(Visit.objects.filter(site=site).values_list("visitor_hash", flat=True))
    second = set(Visit.objects.filter(site=other_site).values_list("visitor_hash", flat=True))
    assert len(first) == 1  # one visitor within a run
    # Run again with the same file, key and day: the hash is not derived from anything kept,
    # so nobody holding SECRET_KEY can test addresses against it.
    Visit.objects.filter(site=other_site).delete()
    _import(other_site, path)
    third = set(Visit.objects.filter(site=other_site).values_list("visitor_hash", flat=True))
    assert len(second) == len(third) == 1 and second != third
    assert first != second


@pytest.mark.parametrize("dates", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_dates_beyond_what_is_held_are_a_clear_error(owner_client, site, dates):
    from sites.services import shared_link_create

    query = {"period": "custom", "from": dates[0], "to": dates[1]}
    page = owner_client.get(f"/sites/{site.pk}/stats/", query)
    assert page.status_code == 400 and "between 1900-01-01 and 2999-12-31" in page.content.decode()
    api = owner_client.get(f"/api/v1/sites/{site.pk}/stats/", query)
    assert api.status_code == 400 and "period" in api.json()
    link = shared_link_create(site=site)
    shared = owner_client.get(f"/share/{link.token}/", query)
    assert shared.status_code == 400
