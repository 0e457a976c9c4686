"""Server-side events are read like beacon hits: the same bots, device classes and names."""

import pytest

from visits.models import Visit

MAC_CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
FIRE_TV = (
    "Mozilla/5.0 (Linux; Android 7.1.2; AFTKMST12) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Silk/73.5.7 like Chrome/73.0.3683.90 Safari/537.36"
)


def _send(api, site, user_agent):
    return api.post(
        f"/api/v1/sites/{site.pk}/events/",
        {"url": "https://blog.example.com/", "event": "signup", "user_agent": user_agent},
        format="json",
    )


@pytest.mark.parametrize("agent", ["Mozilla/5.0", "-", "Datadog Agent/5.10.1"])
def test_bare_and_monitoring_agents_are_bots(api, site, agent):
    assert _send(api, site, agent).json() == {"stored": False, "skipped": "bot"}
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("agent", "stored"),
    [(MAC_CHROME, ("Chrome", "macOS", "desktop")), (FIRE_TV, ("Amazon Silk", "Android", "tv"))],
)
def test_events_carry_the_one_names_and_device_class(api, site, agent, stored):
    assert _send(api, site, agent).json() == {"stored": True, "skipped": ""}
    assert Visit.objects.values_list("browser", "os", "device").get() == stored
