"""Many browsers at once: every beacon answered 204 is stored, on SQLite and PostgreSQL."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from conftest import CHROME_UA
from visits.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_concurrent_beacons_store_fifty_visits(live_server, site):
    def send(number: int) -> int:
        page = quote(f"https://blog.example.com/post/{number}", safe="")
        request = urllib.request.Request(
            f"{live_server.url}/sites/{site.pk}/visit?url={page}",
            headers={"User-Agent": CHROME_UA},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(send, range(50)))

    assert statuses == [204] * 50
    stored = set(Visit.objects.filter(site=site).values_list("url", flat=True))
    assert stored == {f"https://blog.example.com/post/{number}" for number in range(50)}
