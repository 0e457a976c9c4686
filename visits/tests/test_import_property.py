"""Whatever a file holds, an import either refuses the whole file with a FormatError (and stores
nothing) or reads it to the end, storing only well-formed visits and reporting every other row."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visits.importers import READERS
from visits.importers.hits import FormatError
from visits.importers.service import visits_import
from visits.models import Visit

HEADERS = {
    "ours": "timestamp,url,referrer,event,browser,os,device,country,region,city,props,visitor_hash",
    "goatcounter": "2Path,Title,Event,UserAgent,Browser,System,Session,Bot,Referrer,"
    "Referrer scheme,Screen size,Location,FirstVisit,Date",
    "umami": "session_id,hostname,browser,os,device,screen,country,subdivision1,city,url_path,"
    "url_query,referrer_domain,referrer_path,event_type,event_name,created_at",
    "access-log": "",
}
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-03-01T10:00:00Z", "2026-03-01 10:00:00", "1", "2", "0", "true",
                     "/", "/a?utm_source=x", "https://x.example/", "US-CA", "{}", '{"a": 1}',
                     "1920,1080,1", "-", "=cmd", "\x00", "9" * 30]),
)  # fmt: skip
log_line = st.one_of(
    st.text(max_size=120),
    st.builds(
        lambda address, when, request, status, referrer, agent: (
            f'{address} - - [{when}] "{request}" {status} 1 "{referrer}" "{agent}"'
        ),
        st.sampled_from(["203.0.113.5", "::1", "-", "x"]),
        st.sampled_from(["01/Mar/2026:10:00:00 +0000", "99/Foo/2026:99:00:00 +0000", ""]),
        st.sampled_from(["GET / HTTP/1.1", "GET /a.css HTTP/1.1", "POST / HTTP/1.1", "-", ""]),
        st.sampled_from(["200", "304", "404", "999"]),
        st.text(max_size=20),
        st.text(max_size=40),
    ),
)


def _file(kind: str, rows: list) -> io.BytesIO:
    if kind == "access-log":
        return io.BytesIO("\n".join(rows).encode("utf-8", "surrogatepass"))
    text = HEADERS[kind] + "\n" + "\n".join(",".join(row) for row in rows)
    return io.BytesIO(text.encode("utf-8", "surrogatepass"))


def _check(site, stream, kind):
    before = Visit.objects.count()
    try:
        report = visits_import(site=site, items=READERS[kind](stream, site=site))
    except FormatError:
        assert Visit.objects.count() == before
        return
    assert Visit.objects.count() - before == report.imported


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["ours", "goatcounter", "umami"]),
    rows=st.lists(st.lists(cell, min_size=0, max_size=17), max_size=8),
)
def test_csv_imports_never_fail_on_odd_rows(site, kind, rows):
    _check(site, _file(kind, rows), kind)


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(log_line, min_size=1, max_size=8))
def test_access_log_imports_never_fail_on_odd_lines(site, lines):
    _check(site, _file("access-log", lines), "access-log")


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.sampled_from(["pages", "visitors", "sources", "locations", "custom_events"]),
    rows=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=6),
)
def test_plausible_imports_never_fail_on_odd_tables(site, table, rows):
    headers = {
        "pages": "date,hostname,page,visits,visitors,pageviews",
        "visitors": "date,visitors,pageviews,bounces,visits,visit_duration",
        "sources": "date,source,referrer,utm_source,visitors,visits",
        "locations": "date,country,region,city,visitors,visits",
        "custom_events": "date,name,link_url,path,visitors,events",
    }
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        if table != "pages":  # a day of pages for the other tables to lay out over
            archive.writestr(
                "imported_pages_20260301_20260331.csv",
                "date,hostname,page,visits,visitors,pageviews\n2026-03-02,h,/,1,1,2\n",
            )
        body = headers[table] + "\n" + "\n".join(",".join(row) for row in rows)
        archive.writestr(f"imported_{table}_20260301_20260331.csv", body)
    stream.seek(0)
    _check(site, stream, "plausible")
