"""Bots and device classes through the beacon, and the always-present user-agent sample."""

from pathlib import Path

import pytest
import yaml

from visits.ingest.agents import agent_parse
from visits.models import Visit

PAGE = "https://blog.example.com/pricing"
SAMPLE = yaml.safe_load((Path(__file__).parent / "data" / "user_agents.yaml").read_text())
# From Matomo device-detector's bot list (Tests/fixtures/bots.yml).
ASSISTANTS_AND_MONITORS = [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0; "
    "+https://perplexity.ai/perplexity-user)",
    "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Gemini-Deep-Research; "
    "+https://gemini.google/overview/deep-research/) Chrome/135.0.0.0 Safari/537.36",
    "Datadog Agent/5.10.1",
    "Mozilla/5.0 (compatible; Cloudflare-Traffic-Manager/1.0; "
    "+https://www.cloudflare.com/traffic-manager/; pool-id: <POOLID>)",
    "Amazon-Route53-Health-Check-Service (ref b0eb04d5-cb5e-40e7-839b-558e52fc3f0d; "
    "report http://amzn.to/1vsZADi)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Cypress/13.6.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.6099.28 Safari/537.36 Playwright/1.40",
]
FIRE_TV = (
    "Mozilla/5.0 (Linux; Android 7.1.2; AFTKMST12) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Silk/73.5.7 like Chrome/73.0.3683.90 Safari/537.36"
)
BRAVIA = (
    "Mozilla/5.0 (Linux; Android 10; BRAVIA 4K VH2 Build/QTG3.200305.006.S292) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 Safari/537.36"
)
TESLA = (
    "Mozilla/5.0 (X11; GNU/Linux) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/75.0.3770.100 "
    "Chrome/75.0.3770.100 Safari/537.36 Tesla/2019.40.50.7-ad132c7b057e"
)
XBOX = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041"
)
CHROMEBOOK = (
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize("agent", [*ASSISTANTS_AND_MONITORS, "Mozilla/5.0", "-", "", "   "])
def test_bots_and_bare_agents_are_answered_and_not_stored(send, agent):
    response = send(data={"url": PAGE}, HTTP_USER_AGENT=agent)
    assert response.status_code == 204
    assert response["X-Visit-Skipped"] == "bot"
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("agent", "device", "os"),
    [
        (FIRE_TV, "tv", "Android"),
        (BRAVIA, "tv", "Android"),
        (TESLA, "car", "Linux"),
        (XBOX, "console", "Windows"),
        (CHROMEBOOK, "desktop", "Chrome OS"),
        (ANDROID_TABLET, "tablet", "Android"),
    ],
)
def test_tvs_cars_consoles_and_chromebooks_are_not_tablets(send, agent, device, os):
    response = send(data={"url": PAGE}, HTTP_USER_AGENT=agent)
    assert response.status_code == 204
    visit = Visit.objects.get()
    assert (visit.device, visit.os) == (device, os)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (X11; OpenBSD amd64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (X11; NetBSD amd64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (X11; SunOS i86pc; rv:91.0) Gecko/20100101 Firefox/91.0",
        "Mozilla/5.0 (X11; Arch Linux; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (X11; U; Linux x86_64; en-US) AppleWebKit/533.4 (KHTML, like Gecko) "
        "Chrome/5.0.375.99 Safari/533.4 SUSE/5.0.375.99",
    ],
)
def test_every_desktop_system_is_a_desktop(agent):
    parsed = agent_parse(agent)
    assert (parsed.device, parsed.is_bot) == ("desktop", False)


@pytest.mark.parametrize("agent", SAMPLE["bots"])
def test_sampled_crawlers_are_bots(agent):
    assert agent_parse(agent).is_bot


@pytest.mark.parametrize("agent", SAMPLE["browsers"])
def test_sampled_browsers_are_kept(agent):
    assert not agent_parse(agent).is_bot


@pytest.mark.parametrize("entry", SAMPLE["devices"], ids=lambda entry: entry["device"])
def test_sampled_devices_get_their_class(entry):
    parsed = agent_parse(entry["user_agent"])
    assert (parsed.is_bot, parsed.device) == (False, entry["device"])
