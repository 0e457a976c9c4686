"""Page performance in the API: performance/ gives the Performance page's exact figures, for
the period and filters, and the schema describes it."""

import pytest
import time_machine

from visits.tests.test_performance import NOW, measured_site

pytestmark = pytest.mark.django_db


def vital(p75, rating, samples):
    return {"p75": p75, "rating": rating, "samples": samples}


NONE = vital(None, "", 0)


def test_performance_gives_exact_percentiles_and_scroll_depth(read_api, site):
    measured_site(site)
    with time_machine.travel(NOW, tick=False):
        body = read_api.get(f"/api/v1/sites/{site.pk}/performance/?period=7d").json()
    assert body["period"]["key"] == "7d"
    assert body["site"] == {
        "page": "",
        "page_views": 5,
        "scroll_depth": 42,
        "vitals": {
            "lcp": vital(4000, "needs improvement", 5),
            "inp": vital(600, "poor", 3),
            "cls": vital(0.3, "poor", 3),
            "fcp": NONE,
            "ttfb": vital(300, "good", 5),
        },
    }
    pages = {row["page"]: row for row in body["pages"]}
    assert list(pages) == ["/a", "/b"]  # the most measured first
    assert pages["/a"]["scroll_depth"] == 30
    assert pages["/a"]["vitals"]["lcp"] == vital(3000, "needs improvement", 4)
    assert pages["/a"]["vitals"]["inp"] == vital(150, "good", 2)
    assert pages["/b"]["vitals"]["lcp"] == vital(5000, "poor", 1)

    with time_machine.travel(NOW, tick=False):
        filtered = read_api.get(f"/api/v1/sites/{site.pk}/performance/?period=7d&page=/a").json()
    assert filtered["filters"] == {"page": "/a"}
    assert [row["page"] for row in filtered["pages"]] == ["/a"]
    assert filtered["site"]["vitals"]["lcp"]["p75"] == 3000


def test_bad_periods_are_a_json_400_and_strangers_a_404(read_api, site, other_site):
    response = read_api.get(f"/api/v1/sites/{site.pk}/performance/?period=nope")
    assert response.status_code == 400
    assert "period" in response.json()
    assert read_api.get(f"/api/v1/sites/{other_site.pk}/performance/").status_code == 404


def test_the_schema_describes_performance(client):
    text = client.get("/api/schema/").content.decode()
    assert "/api/v1/sites/{id}/performance/:" in text
    assert "Page performance: Core Web Vitals and scroll depth" in text
    assert "lcp 2500/4000 ms" in text
