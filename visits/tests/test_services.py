from datetime import UTC, date, datetime

import pytest
import time_machine

from visits.ingest import visitors
from visits.ingest.parse import hit_build
from visits.ingest.record import visit_record
from visits.ingest.visitors import visitor_hash, visitor_salt_for
from visits.models import Visit, VisitorSalt

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def _fresh_salt_cache():
    visitors._salt_cache.clear()
    yield
    visitors._salt_cache.clear()


def hit(**changes):
    values = {
        "url": "https://blog.example.com/",
        "referrer": "",
        "event": "pageview",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "client_ip": "81.2.69.142",
    }
    return hit_build(**{**values, **changes})


def test_salt_is_made_once_per_day_and_old_ones_are_deleted():
    clock = time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=UTC), tick=False)
    clock.start()
    first = visitor_salt_for(day=date(2026, 3, 1))
    visitors._salt_cache.clear()
    assert visitor_salt_for(day=date(2026, 3, 1)) == first
    visitor_salt_for(day=date(2026, 3, 2))
    visitor_salt_for(day=date(2026, 3, 3))
    # Three local days are live at once somewhere on Earth: none of them is deleted.
    assert set(VisitorSalt.objects.values_list("day", flat=True)) == {
        date(2026, 3, 1),
        date(2026, 3, 2),
        date(2026, 3, 3),
    }
    clock.stop()
    # A day later in UTC, 1 March is over everywhere: one rule with `visitor_salts_expire`.
    with time_machine.travel(datetime(2026, 3, 3, 12, tzinfo=UTC), tick=False):
        fourth = visitor_salt_for(day=date(2026, 3, 4))
    assert set(VisitorSalt.objects.values_list("day", flat=True)) == {
        date(2026, 3, 2),
        date(2026, 3, 3),
        date(2026, 3, 4),
    }
    assert fourth != first and len(fourth) == 32


def test_hash_changes_at_local_midnight_not_at_utc_midnight(site):
    site.timezone = "America/New_York"
    site.save()
    # 23:50 and 00:10 UTC are both the evening of 1 March in New York: one visitor, one hash.
    before = visit_record(site=site, hit=hit(), now=datetime(2026, 3, 1, 23, 50, tzinfo=UTC))
    after = visit_record(site=site, hit=hit(), now=datetime(2026, 3, 2, 0, 10, tzinfo=UTC))
    assert before["visitor_hash"] == after["visitor_hash"]
    # 05:10 UTC is past midnight in New York (UTC-5): a new day, a new hash.
    next_day = visit_record(site=site, hit=hit(), now=datetime(2026, 3, 2, 5, 10, tzinfo=UTC))
    assert next_day["visitor_hash"] != after["visitor_hash"]


def test_same_visitor_next_day_gets_a_different_hash(site):
    day_one = visit_record(site=site, hit=hit(), now=datetime(2026, 3, 1, 12, tzinfo=UTC))
    same_day = visit_record(site=site, hit=hit(), now=datetime(2026, 3, 1, 23, tzinfo=UTC))
    day_two = visit_record(site=site, hit=hit(), now=datetime(2026, 3, 2, 1, tzinfo=UTC))
    assert day_one["visitor_hash"] == same_day["visitor_hash"]
    assert day_one["visitor_hash"] != day_two["visitor_hash"]


def test_hash_depends_on_site_day_address_and_agent():
    salt = b"s" * 32
    day = date(2026, 3, 1)
    args = {
        "salt": salt,
        "site_id": 1,
        "local_day": day,
        "client_ip": "81.2.69.142",
        "user_agent": "A",
    }
    base = visitor_hash(**args)
    assert base == visitor_hash(**args)
    for change in (
        {"site_id": 2},
        {"local_day": date(2026, 3, 2)},
        {"client_ip": "81.2.69.143"},
        {"client_ip": None},
        {"user_agent": "B"},
        {"salt": b"t" * 32},
    ):
        assert base != visitor_hash(**{**args, **change}), change
    assert -(2**63) <= base < 2**63


def test_hash_changes_at_the_sites_midnight_not_only_at_utc_midnight(owner):
    from sites.services import site_create

    tokyo = site_create(
        owner=owner, name="Tokyo", base_url="https://jp.example", timezone="Asia/Tokyo"
    )
    # 14:30 and 15:30 UTC are 23:30 and 00:30 in Tokyo: the same UTC day, two local days.
    before = visit_record(site=tokyo, hit=hit(), now=datetime(2026, 3, 1, 14, 30, tzinfo=UTC))
    after = visit_record(site=tokyo, hit=hit(), now=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))
    assert before["visitor_hash"] != after["visitor_hash"]


def test_no_raw_ip_is_stored_anywhere(site, client, geoip_dir, django_db_blocker):
    from django.core.management import call_command

    address = "81.2.69.142"
    ipv6 = "2a02:8100::1"
    for remote in (address, ipv6):
        response = client.get(
            f"/sites/{site.pk}/visit",
            {"url": "https://blog.example.com/"},
            REMOTE_ADDR=remote,
            HTTP_USER_AGENT=FIREFOX,
        )
        assert response.status_code == 204
    assert Visit.objects.count() == 2
    import io

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert address not in dump.getvalue()
    assert ipv6 not in dump.getvalue()
    assert "London" in dump.getvalue()
