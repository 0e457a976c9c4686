"""The accuracy targets, on real-world user agents nobody here wrote (see
`benchmarks/agent_accuracy.py`, which prints the same figures)."""

import pytest

from benchmarks import agent_accuracy
from visits.ingest.agents import agent_parse

pytestmark = pytest.mark.skipif(
    not agent_accuracy.UA.exists(),
    reason=f"real-world fixtures not found at {agent_accuracy.UA} (../shared/fixtures/ua)",
)


def _share(pair):
    caught, total = pair
    assert total > 0
    return caught / total


@pytest.fixture(scope="module")
def figures():
    return agent_accuracy.measure("now", agent_parse, per_class=40)


def test_bot_recall_is_at_least_97_percent(figures):
    assert _share(figures.bots["isbot crawlers"]) >= 0.97
    assert figures.bots["empty, '-', 'Mozilla/5.0'"] == (3, 3)
    if agent_accuracy.matomo_fixtures() is not None:
        assert _share(figures.bots["device-detector bots"]) >= 0.97


def test_at_most_half_a_percent_of_real_browsers_are_skipped(figures):
    assert _share(figures.skipped["isbot browsers"]) <= 0.005


def test_tvs_consoles_and_cars_are_never_tablets(figures):
    if agent_accuracy.matomo_fixtures() is None:
        pytest.skip("the installed device-detector ships no fixtures")
    tablets = [
        (expected, got)
        for (expected, got) in figures.device_misses
        if got == "tablet" and expected in ("tv", "console", "car")
    ]
    assert tablets == []
    for device in ("desktop", "mobile", "tablet", "tv", "console", "car"):
        assert _share(figures.devices[device]) >= 0.9, device


def test_browser_and_os_names_match_uap_core(figures):
    assert _share(figures.browser) >= 0.97
    assert _share(figures.os) >= 0.97
