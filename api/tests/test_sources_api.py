"""Channels and named referrer sources through the API: breakdowns, filters, spam dropped."""

import pytest
import time_machine

from visits.ingest.referrer_lists import referrer_list
from visits.models import Visit
from visits.tests.test_sources_http import NOW, PAGE, sourced_visits

pytestmark = pytest.mark.django_db


@pytest.fixture
def sourced(site):
    with time_machine.travel(NOW, tick=False):
        yield sourced_visits(site)


def test_the_api_beacon_drops_spam_too(api, site):
    spam = sorted(referrer_list().spam)[0]
    response = api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": PAGE, "referrer": f"https://{spam}/", "user_agent": "Mozilla/5.0 Firefox/128.0"},
        format="json",
    )
    assert response.status_code == 202, response.content
    assert response.json() == {"stored": False, "skipped": "spam"}
    assert not Visit.objects.exists()


def test_the_api_breaks_down_and_filters_by_channel_and_source(api, sourced):
    with time_machine.travel(NOW, tick=False):
        rows = api.get(
            f"/api/v1/sites/{sourced.pk}/breakdown/",
            {"dimension": "referrer_source", "period": "7d"},
        ).json()
        assert {row["label"]: row["visitors"] for row in rows} == {
            "Google": 2,
            "Facebook": 1,
            "Direct / none": 1,
        }
        social = api.get(
            f"/api/v1/sites/{sourced.pk}/stats/", {"period": "7d", "channel": "Organic Social"}
        ).json()
        assert social["totals"]["pageviews"] == 1
        # `source` is still the campaign's utm_source, as the contract says.
        tagged = api.get(f"/api/v1/sites/{sourced.pk}/stats/", {"period": "7d", "source": "Google"})
        assert tagged.json()["totals"]["pageviews"] == 0
        bad = api.get(f"/api/v1/sites/{sourced.pk}/breakdown/", {"dimension": "channels"})
        assert bad.status_code == 400
