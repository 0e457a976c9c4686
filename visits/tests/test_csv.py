import csv
import io
from datetime import UTC, datetime

import pytest

from visits.downloads import defuse
from visits.models import Visit

pytestmark = pytest.mark.django_db
HEADER = [
    "timestamp",
    "url",
    "referrer",
    "event",
    "browser",
    "os",
    "device",
    "country",
    "region",
    "city",
]


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_contract_columns_and_every_visit(owner_client, site):
    Visit.objects.create(
        site=site,
        timestamp=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        url="https://blog.example.com/a",
        referrer="https://news.example/",
        event="pageview",
        browser="Firefox",
        os="Linux",
        device="desktop",
        country="Germany",
        region="Land Berlin",
        city="Berlin",
    )
    Visit.objects.create(site=site, url="https://blog.example.com/b")

    response = owner_client.get(f"/sites/{site.pk}/visits.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][: len(HEADER)] == HEADER
    assert rows[1][: len(HEADER)] == [
        "2026-01-02T03:04:05+00:00",
        "https://blog.example.com/a",
        "https://news.example/",
        "pageview",
        "Firefox",
        "Linux",
        "desktop",
        "Germany",
        "Land Berlin",
        "Berlin",
    ]
    assert len(rows) == 3


def test_csv_escapes_commas_quotes_and_newlines(owner_client, site):
    Visit.objects.create(site=site, url='https://blog.example.com/?q=a,"b"', event="line\nbreak")
    rows = read_csv(owner_client.get(f"/sites/{site.pk}/visits.csv"))
    assert rows[1][1] == 'https://blog.example.com/?q=a,"b"'
    assert rows[1][3] == "line\nbreak"


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_csv_defuses_spreadsheet_formulas(owner_client, site, dangerous):
    Visit.objects.create(
        site=site, url="https://blog.example.com/", event=dangerous, referrer=dangerous
    )
    rows = read_csv(owner_client.get(f"/sites/{site.pk}/visits.csv"))
    assert rows[1][3] == "'" + dangerous
    assert rows[1][2] == "'" + dangerous


def test_defuse_leaves_ordinary_values_alone():
    assert defuse("https://x.example/") == "https://x.example/"
    assert defuse(None) == ""
    assert defuse("a=b") == "a=b"


def test_csv_is_owner_only(owner_client, other_site):
    Visit.objects.create(site=other_site, url="https://shop.example.org/secret")
    assert owner_client.get(f"/sites/{other_site.pk}/visits.csv").status_code == 404


def test_csv_streams_many_rows_in_chunks(owner_client, site, django_assert_max_num_queries):
    Visit.objects.bulk_create(
        [Visit(site=site, url=f"https://blog.example.com/{n}") for n in range(5000)],
        batch_size=1000,
    )
    response = owner_client.get(f"/sites/{site.pk}/visits.csv")
    rows = read_csv(response)
    assert len(rows) == 5001
    assert {row[1] for row in rows[1:]} == {f"https://blog.example.com/{n}" for n in range(5000)}
