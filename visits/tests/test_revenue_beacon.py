"""Revenue at the beacon: exact amounts and known currencies stored, anything else a JSON 400."""

import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from sites.currencies import RevenueError, amount_clean, currency_clean
from visits.ingest.spool import Spool
from visits.ingest.spool_store import line_decode
from visits.models import Visit

pytestmark = pytest.mark.django_db
PAGE = "https://blog.example.com/checkout"


def post(send, payload):
    return send("post", json.dumps(payload), content_type="text/plain")


def purchase(revenue, event="purchase"):
    return {"url": PAGE, "event": event, "revenue": revenue}


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("12.50", Decimal("12.50")),
        ("0", Decimal("0")),
        ("0.0001", Decimal("0.0001")),
        ("9999999999.9999", Decimal("9999999999.9999")),  # the largest: 10 + 4 digits
        ("19.99", Decimal("19.99")),
        (42, Decimal("42")),
        (12.5, Decimal("12.5")),  # a JSON number, read as written
        (0.1, Decimal("0.1")),  # not 0.1000000000000000055511151231257827
    ],
)
def test_an_amount_is_stored_exactly(send, amount, stored):
    response = post(send, purchase({"amount": amount, "currency": "EUR"}))
    assert response.status_code == 204, response.content
    visit = Visit.objects.get()
    assert visit.revenue_amount == stored
    assert visit.revenue_currency == "EUR"
    assert isinstance(visit.revenue_amount, Decimal)


@pytest.mark.parametrize(
    "amount",
    [
        "-1",
        "-0.01",
        "+5",
        "1e3",
        "1E3",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "12,50",
        " 12.50",
        "12.50\n",
        "12.",
        ".5",
        "0x10",
        "١٢",  # Arabic-Indic digits: a decimal to Python, not to us
        "12.50001",  # a fifth decimal place would be rounded: refused instead
        "10000000000",  # 11 digits before the point
        "",
        None,
        True,
        [],
        {"value": 1},
        -3,
        1e300,
        1e-7,
        float("inf"),
    ],
)
def test_a_bad_amount_is_a_json_400_and_nothing_is_stored(send, amount):
    body = json.dumps(purchase({"amount": amount, "currency": "EUR"}), allow_nan=True)
    response = send("post", body, content_type="text/plain")
    assert response.status_code == 400
    assert "amount" in response.json()["error"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("currency", ["EU", "EURO", "ZZZ", "XXX", "XTS", "€", "", None, 978, "E1R"])
def test_an_unknown_currency_is_a_json_400(send, currency):
    response = post(send, purchase({"amount": "5.00", "currency": currency}))
    assert response.status_code == 400
    assert "currency" in response.json()["error"].lower()
    assert not Visit.objects.exists()


def test_a_currency_in_small_letters_is_stored_in_capitals(send):
    assert post(send, purchase({"amount": "5", "currency": "usd"})).status_code == 204
    assert Visit.objects.get().revenue_currency == "USD"


@pytest.mark.parametrize(
    "revenue",
    ["12.50", ["12.50", "EUR"], {"amount": "1", "currency": "EUR", "extra": 1}, {"amount": "1"}],
)
def test_revenue_must_be_an_amount_and_a_currency(send, revenue):
    response = post(send, purchase(revenue))
    assert response.status_code == 400
    assert not Visit.objects.exists()


@pytest.mark.parametrize("event", ["", "pageview", "engagement"])
def test_revenue_goes_with_a_custom_event_only(send, event):
    response = post(send, purchase({"amount": "1.00", "currency": "EUR"}, event=event))
    assert response.status_code == 400
    assert "custom event" in response.json()["error"]
    assert not Visit.objects.exists()


def test_revenue_in_a_query_string_or_form_is_json_text(send, beacon_url):
    revenue = json.dumps({"amount": "7.25", "currency": "GBP"})
    query = urlencode({"url": PAGE, "event": "purchase", "revenue": revenue})
    assert send("get", path=f"{beacon_url}?{query}").status_code == 204
    form = {"url": PAGE, "event": "purchase", "revenue": revenue}
    assert send("post", form).status_code == 204  # multipart
    assert [(v.revenue_amount, v.revenue_currency) for v in Visit.objects.all()] == [
        (Decimal("7.25"), "GBP")
    ] * 2
    bad = urlencode({"url": PAGE, "event": "purchase", "revenue": '{"amount": 1e400}'})
    assert send("get", path=f"{beacon_url}?{bad}").status_code == 400
    nan = urlencode({"url": PAGE, "event": "purchase", "revenue": '{"amount": NaN}'})
    assert send("get", path=f"{beacon_url}?{nan}").status_code == 400


def test_events_without_revenue_store_none(send):
    assert post(send, {"url": PAGE, "event": "signup"}).status_code == 204
    visit = Visit.objects.get()
    assert (visit.revenue_amount, visit.revenue_currency) == (None, "")


def test_revenue_survives_the_spool(site, settings, tmp_path, monkeypatch):
    """Spooled as text and stored as the same decimal; a line from before revenue reads too."""
    from visits.ingest import record
    from visits.ingest.parse import hit_build

    settings.BEACON_WRITE_MODE = "spool"
    spool = Spool(tmp_path, background=False)
    monkeypatch.setattr(record, "process_spool", lambda: spool)

    def hit(**revenue):
        return hit_build(
            url=PAGE,
            referrer="",
            event="purchase",
            user_agent="Mozilla/5.0 Firefox/128.0",
            client_ip=None,
            revenue=revenue or None,
        )

    record.visit_record(site=site, hit=hit(amount="1234567.8912", currency="JPY"))
    record.visit_record(site=site, hit=hit())
    assert spool.flush() == 2
    spool.close()
    stored = sorted(
        Visit.objects.values_list("revenue_amount", "revenue_currency"), key=lambda row: row[1]
    )
    assert stored == [(None, ""), (Decimal("1234567.8912"), "JPY")]
    old_line = {"site_id": site.pk, "timestamp": "2026-03-01T10:00:00+00:00", "url": PAGE}
    assert line_decode(old_line)["revenue_amount"] is None


def test_units_refuse_what_the_beacon_refuses():
    assert amount_clean("12.50") == Decimal("12.50")
    assert currency_clean("chf") == "CHF"
    for bad in ("1e3", "NaN", "-1", "1.23456"):
        with pytest.raises(RevenueError):
            amount_clean(bad)
    with pytest.raises(RevenueError):
        currency_clean("ABC")
