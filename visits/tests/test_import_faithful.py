"""Imports keep what the files say: gzipped files read as they come, events kept as events,
Umami's metric zip refused by name, Plausible's days and sources kept, pages after a visit's
first internal, access logs decoded and filtered, and our own CSV round-tripping exactly."""

import csv
import gzip
import io
import zipfile
from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import CHROME_UA
from sites.services import site_create
from visits.demo import demo_visits_create
from visits.importers import service, unpack
from visits.importers.layout import apportion
from visits.importers.plausible import UNLISTED_PAGE
from visits.models import Visit
from visits.stats.dimensions import TOTAL
from visits.stats.figures import figure_rows
from visits.stats.periods import period_resolve

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
GOATCOUNTER_HEADER = [
    "2Path", "Title", "Event", "UserAgent", "Browser", "System", "Session", "Bot", "Referrer",
    "Referrer scheme", "Screen size", "Location", "FirstVisit", "Date",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _import(site, path, *args):
    out = StringIO()
    call_command("import_visits", str(site.pk), str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _goat(path, *, event="false", session="s1", referrer="", scheme="", when="10:00:00"):
    return [path, "Title", event, "", "Chrome 126", "Windows 10", session, "0", referrer, scheme,
            "1920,1080,1", "US-TX", "true", f"2026-03-05T{when}Z"]  # fmt: skip


def _fixture(relative: str) -> Path:
    path = FIXTURES / relative
    if not path.exists():
        pytest.skip(
            f"{path} is absent (the shared real-world fixtures are not beside the checkout)"
        )
    return path


def _page_visitors(site, path: str) -> int:
    return Visit.objects.filter(site=site, path=path).values("visitor_hash").distinct().count()


# --- gzipped files ------------------------------------------------------------------------
def test_a_gzipped_goatcounter_export_imports_like_the_plain_file(site, tmp_path):
    text = _csv([GOATCOUNTER_HEADER, _goat("/"), _goat("/about", when="10:01:00")])
    path = tmp_path / "goatcounter-export-blog-20260320T120000Z-0.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    output = _import(site, path)
    assert "Imported 2 visits" in output and "a GoatCounter export" in output
    assert sorted(Visit.objects.values_list("path", flat=True)) == ["/", "/about"]
    assert "Imported 0 visits" in _import(site, path)


def test_a_gzipped_access_log_is_read_whatever_its_name(site, tmp_path):
    line = f'203.0.113.9 - - [07/Mar/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 5 "-" "{CHROME_UA}"'
    path = tmp_path / "access.log.1"  # rotated logs are gzipped without saying so
    path.write_bytes(gzip.compress((line + "\n").encode()))
    assert "Imported 1 visits" in _import(site, path)


def test_a_damaged_gzip_file_is_one_clear_error(site, tmp_path):
    packed = gzip.compress(_csv([GOATCOUNTER_HEADER] + [_goat("/")] * 50).encode())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(CommandError, match=r"cut\.csv\.gz: The gzipped file is damaged"):
        _import(site, path)


def test_a_gzip_bomb_is_stopped_at_the_unpacked_limit(site, tmp_path, monkeypatch):
    monkeypatch.setattr(unpack, "UNPACKED_FLOOR", 64 * 1024)
    header = _csv([GOATCOUNTER_HEADER]).encode()
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(header + b"\n" * (2 * 1024 * 1024)))  # ~2 KB packed
    with pytest.raises(CommandError, match="gzipped file unpacks to more than"):
        _import(site, path)
    assert not Visit.objects.exists()


def test_the_limit_is_the_floor_or_a_ratio_of_the_packed_size(site, tmp_path, monkeypatch):
    monkeypatch.setattr(unpack, "UNPACKED_FLOOR", 1024)
    body = _csv([GOATCOUNTER_HEADER] + [_goat("/", when=f"10:00:{n:02}") for n in range(60)])
    path = tmp_path / "fine.csv.gz"
    path.write_bytes(gzip.compress(body.encode()))
    assert len(body) > 1024  # over the floor, under 100 times its packed size
    assert "Imported 60 visits" in _import(site, path)


# --- GoatCounter events ---------------------------------------------------------------------
def test_goatcounter_events_stay_events_off_the_home_page(site, tmp_path):
    rows = [
        GOATCOUNTER_HEADER,
        _goat("click-cv", event="true", session="a", when="09:59:00"),  # before any page
        _goat("/", session="b"),
        _goat("/docs", session="a", when="10:00:30"),
        _goat("download", event="true", session="a", when="10:01:00"),
    ]
    path = tmp_path / "goatcounter.csv"
    path.write_text(_csv(rows))
    assert "Imported 4 visits" in _import(site, path)
    assert _page_visitors(site, "/") == 1
    first = Visit.objects.get(event="click-cv")
    assert (first.path, first.url) == ("/click-cv", "https://blog.example.com/click-cv")
    # GoatCounter keeps no page with an event: it is put where its session was.
    assert Visit.objects.get(event="download").path == "/docs"
    assert _page_visitors(site, "/docs") == 1


def test_goatcounter_own_export_file_keeps_its_event_off_the_home_page(site):
    path = _fixture("goatcounter/goatcounter-testdata-export.csv")
    assert "Imported 3 visits" in _import(site, path)
    assert _page_visitors(site, "/") == 0  # was 1: the event was stored on "/"
    event = Visit.objects.get(site=site, event="click-cv-html")
    assert event.path == "/click-cv-html"
    assert Visit.objects.filter(site=site, event="pageview").count() == 2
    reddit = Visit.objects.get(site=site, path="/static-go.html")
    assert reddit.referrer_domain == "reddit.com"


# --- Umami's metric zip -----------------------------------------------------------------------
def _umami_metrics_zip(tmp_path) -> Path:
    """What a self-hosted Umami's Export button downloads: its export route writes these seven
    files of `x,y` totals (Papa.unparse of the metric queries) into one zip."""
    path = tmp_path / "umami-export.zip"
    tables = {
        "events.csv": [["x", "y"], ["signup", "3"]],
        "pages.csv": [["x", "y"], ["/", "40"], ["/pricing", "12"]],
        "referrers.csv": [["x", "y"], ["news.ycombinator.com", "9"]],
        "browsers.csv": [["x", "y"], ["chrome", "30"], ["firefox", "10"]],
        "os.csv": [["x", "y"], ["Windows 10", "25"]],
        "devices.csv": [["x", "y"], ["laptop", "28"]],
        "countries.csv": [["x", "y"], ["DE", "21"]],
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in tables.items():
            archive.writestr(name, _csv(rows))
    return path


@pytest.mark.parametrize("chosen", [[], ["--format", "umami"], ["--format", "plausible"]])
def test_a_self_hosted_umami_export_is_refused_by_name(site, tmp_path, chosen):
    path = _umami_metrics_zip(tmp_path)
    with pytest.raises(CommandError, match=r"self-hosted Umami export.*website events"):
        _import(site, path, *chosen)
    assert not Visit.objects.exists()


# --- Plausible --------------------------------------------------------------------------------
def _zip(tmp_path, tables: dict[str, list[list]]) -> Path:
    path = tmp_path / "plausible.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for table, rows in tables.items():
            archive.writestr(f"imported_{table}_20260301_20260319.csv", _csv(rows))
    return path


def test_plausibles_own_test_data_imports_its_99_pageviews(site, tmp_path):
    folder = _fixture("plausible/csv_importer_test")
    path = tmp_path / "plausible.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member in sorted(folder.glob("*.csv")):
            archive.write(member, member.name)
    output = _import(site, path)
    assert Visit.objects.filter(site=site, event="pageview").count() == 99  # was 69
    assert Visit.objects.values("visitor_hash").distinct().count() == 5 + 3 + 3 + 6 + 4 + 1
    # The breakdowns hold other days than imported_visitors: each of their rows is reported.
    assert "116 day not in imported_visitors (first at line 2: imported_pages_" in output
    assert "2 file not read" in output


def test_plausible_days_only_in_imported_visitors_keep_their_pageviews(site, tmp_path):
    path = _zip(
        tmp_path,
        {
            "visitors": [["date", "visitors", "pageviews"], ["2026-03-09", "3", "5"]],
            "pages": [["date", "visitors", "pageviews", "hostname", "page"],
                      ["2026-03-10", "1", "1", "blog.example.com", "/"]],
        },
    )  # fmt: skip
    output = _import(site, path)
    assert "Imported 5 visits" in output
    assert "1 day not in imported_visitors (first at line 2: imported_pages_" in output
    assert set(Visit.objects.values_list("path", flat=True)) == {UNLISTED_PAGE}
    assert Visit.objects.values("visitor_hash").distinct().count() == 3


def test_plausible_small_breakdown_rows_keep_a_visitor_when_rows_add_up_to_more(site, tmp_path):
    path = _zip(
        tmp_path,
        {
            "visitors": [["date", "visitors", "pageviews"], ["2026-03-09", "10", "10"]],
            "pages": [["date", "visitors", "pageviews", "hostname", "page"],
                      ["2026-03-09", "10", "10", "blog.example.com", "/"]],
            # 14 visitors listed for 10: scaled within the day, not cut at the tenth.
            "browsers": [["date", "browser", "visitors"], ["2026-03-09", "Chrome", "8"],
                         ["2026-03-09", "Firefox", "5"], ["2026-03-09", "Opera", "1"]],
        },
    )  # fmt: skip
    output = _import(site, path)
    assert "Skipped" not in output
    browsers = Counter(Visit.objects.values_list("browser", flat=True))
    assert sum(browsers.values()) == 10
    assert browsers["Opera"] == 1 and browsers["Firefox"] >= 3 and browsers["Chrome"] >= 5


def test_plausible_values_beyond_the_days_visitors_are_reported(site, tmp_path):
    rows = [["2026-03-09", f"Browser {n}", "1"] for n in range(3)]
    path = _zip(
        tmp_path,
        {
            "visitors": [["date", "visitors", "pageviews"], ["2026-03-09", "2", "2"]],
            "browsers": [["date", "browser", "visitors"], *rows],
        },
    )
    output = _import(site, path)
    assert "1 more values than the day's visitors (first at line 4: imported_browsers_" in output


def test_plausible_sources_are_kept_by_name_and_later_pages_are_internal(site, tmp_path):
    path = _zip(
        tmp_path,
        {
            "visitors": [["date", "visitors", "pageviews"], ["2026-03-09", "4", "8"]],
            "pages": [["date", "visitors", "pageviews", "hostname", "page"],
                      ["2026-03-09", "4", "8", "blog.example.com", "/"]],
            "sources": [["date", "source", "utm_medium", "visitors"],
                        ["2026-03-09", "", "", "1"], ["2026-03-09", "Google", "organic", "2"],
                        ["2026-03-09", "Hacker News", "referral", "1"]],
        },
    )  # fmt: skip
    _import(site, path)
    firsts, laters = Counter(), Counter()
    for visitor in Visit.objects.values_list("visitor_hash", flat=True).distinct():
        hits = list(Visit.objects.filter(visitor_hash=visitor).order_by("timestamp"))
        firsts[hits[0].referrer_domain] += 1
        laters.update(hit.referrer_domain for hit in hits[1:])
    assert firsts == {"": 1, "Google": 2, "Hacker News": 1}
    assert laters == {"(internal)": 4}


# --- pages after a visit's first ----------------------------------------------------------------
def test_pages_after_a_visits_first_are_internal_until_the_visit_ends(site, tmp_path):
    rows = [
        GOATCOUNTER_HEADER,
        _goat("/", referrer="news.ycombinator.com/item", scheme="h", when="10:00:00"),
        _goat("/a", when="10:10:00"),
        _goat("/b", when="10:39:59"),  # 29:59 after the last one: the same visit
        _goat("/c", when="11:10:00"),  # 30:01 later: a new visit, from nowhere known
        _goat("/d", session="other", when="10:10:00"),
    ]
    path = tmp_path / "goatcounter.csv"
    path.write_text(_csv(rows))
    _import(site, path)
    domains = dict(Visit.objects.values_list("path", "referrer_domain"))
    assert domains == {
        "/": "news.ycombinator.com", "/a": "(internal)", "/b": "(internal)", "/c": "", "/d": "",
    }  # fmt: skip


# --- access logs ------------------------------------------------------------------------------
def _log(request, status=200, referrer="-", agent=CHROME_UA, when="10:00:00"):
    return (
        f'203.0.113.9 - - [07/Mar/2026:{when} +0000] "{request}" {status} 5 "{referrer}" "{agent}"'
    )


def test_access_logs_decode_escapes_and_skip_agentless_lines_and_other_answers(site, tmp_path):
    lines = [
        _log(r"GET /caf\xC3\xA9?q=\x22x\x22 HTTP/1.1", referrer=r"https://b\xC3\xBCcher.example/"),
        _log("GET /video HTTP/1.1", status=206, when="10:00:01"),
        _log("GET /moved HTTP/1.1", status=301, when="10:00:02"),
        _log("GET /cached HTTP/1.1", status=304, when="10:00:03"),
        _log("GET /nobody HTTP/1.1", agent="-", when="10:00:04"),
        _log("GET /ok HTTP/1.1", when="10:00:05"),
    ]
    path = tmp_path / "access.log"
    path.write_text("\n".join(lines) + "\n")
    output = _import(site, path)
    assert "Imported 2 visits" in output
    for expected in (
        "1 status 206 (first at line 2)",
        "1 status 301 (first at line 3)",
        "1 status 304 (first at line 4)",
        "1 bot (first at line 5: no user agent)",
    ):
        assert expected in output
    first = Visit.objects.get(path="/café")
    assert first.url == 'https://blog.example.com/café?q="x"'
    assert first.referrer == "https://bücher.example/"


# --- our own CSV round-trips ------------------------------------------------------------------
def _day_figures(site) -> dict:
    period = period_resolve(
        key="custom", tz_name=site.timezone, now=NOW, start="2026-02-01", end="2026-03-20"
    )
    rows = figure_rows(
        site=site, period=period, filters={}, dimension=TOTAL, now=NOW, by_day=True,
        with_sessions=True,
    )  # fmt: skip
    return {row.day: (row.sessions, row.visitors, row.pageviews, row.events) for row in rows}


def _details(site) -> Counter:
    return Counter(
        Visit.objects.filter(site=site).values_list(
            "timestamp", "url", "referrer", "referrer_domain", "event", "browser",
            "browser_version", "os", "device", "screen", "country_code", "country", "region",
            "city", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
        )
    )  # fmt: skip


def _props(site) -> Counter:
    return Counter(
        str(sorted(props.items()))
        for props in Visit.objects.filter(site=site).values_list("props", flat=True)
    )


def test_the_visits_csv_round_trips_a_demo_site_exactly(owner, owner_client, tmp_path):
    source = site_create(owner=owner, name="Demo", base_url="https://demo.example")
    target = site_create(owner=owner, name="Copy", base_url="https://demo.example")
    demo_visits_create(site=source, visits=600, days=10, now=NOW)
    response = owner_client.get(f"/sites/{source.pk}/visits.csv")
    path = tmp_path / "visits.csv"
    path.write_bytes(b"".join(response.streaming_content))
    assert "Skipped" not in _import(target, path)
    before = _day_figures(source)
    assert before and _day_figures(target) == before  # visits, visitors, pageviews, events
    assert _details(target) == _details(source)
    assert _props(target) == _props(source)


def test_the_visits_csv_carries_every_column_and_no_stored_hash(owner_client, site):
    Visit.objects.create(
        site=site, url="https://blog.example.com/?utm_source=news", utm_source="news",
        screen="mobile", props={"plan": "pro"}, visitor_hash=123456789, referrer_domain="x.org",
    )  # fmt: skip
    Visit.objects.create(site=site, url="https://blog.example.com/b", visitor_hash=123456789)

    def download():
        response = owner_client.get(f"/sites/{site.pk}/visits.csv")
        return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    rows = download()
    assert list(rows[0])[:10] == [
        "timestamp", "url", "referrer", "event", "browser", "os", "device", "country", "region",
        "city",
    ]  # fmt: skip
    assert (rows[0]["utm_source"], rows[0]["screen"], rows[0]["props"]) == (
        "news", "mobile", '{"plan": "pro"}',
    )  # fmt: skip
    assert rows[0]["referrer_domain"] == "x.org"
    # One visitor, one pseudonym within the file; not the stored hash, not the next file's.
    assert rows[0]["visitor"] == rows[1]["visitor"]
    assert "123456789" not in str(rows) and "visitor_hash" not in rows[0]
    assert download()[0]["visitor"] != rows[0]["visitor"]


def test_an_old_contract_only_csv_still_imports(site, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(
        "timestamp,url,referrer,event,browser,os,device,country,region,city\n"
        "2026-03-02T09:00:00+00:00,https://blog.example.com/,,pageview,Firefox,Linux,desktop,"
        "Germany,Berlin,Berlin\n"
    )
    assert "Imported 1 visits" in _import(site, path)
    assert Visit.objects.get().country_code == "DE"


# --- units --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sizes", "total", "expected"),
    [
        ([3, 2], 10, [3, 2]),  # fits: as it is
        ([8, 5, 1], 10, [5, 4, 1]),  # scaled, the small one keeps its visitor
        ([1, 1, 1], 2, [1, 1, 0]),  # more values than room: the first ones
        ([0, 4], 2, [0, 2]),
        ([], 3, []),
        ([5, 5], 0, [0, 0]),
    ],
)
def test_apportion(sizes, total, expected):
    shares = apportion(sizes, total)
    assert shares == expected
    assert sum(shares) == min(sum(sizes), total)


def test_the_visit_tracker_forgets_visitors_past_the_session_gap(site, monkeypatch, tmp_path):
    monkeypatch.setattr(service, "VISITORS_HELD", 3)
    rows = [GOATCOUNTER_HEADER] + [
        _goat("/", session=f"s{n}", when=f"10:{n:02}:00") for n in range(50)
    ]
    rows.append(_goat("/later", session="s49", when="10:59:00"))  # s49 is still remembered
    path = tmp_path / "goatcounter.csv"
    path.write_text(_csv(rows))
    assert "Imported 51 visits" in _import(site, path)
    assert Visit.objects.get(path="/later").referrer_domain == "(internal)"
    assert set(Visit.objects.filter(path="/").values_list("referrer_domain", flat=True)) == {""}
