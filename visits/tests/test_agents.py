import pytest

from visits.ingest.agents import agent_parse

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
)
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)
LINUX_FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IOS_FIREFOX = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15"
)


@pytest.mark.parametrize(
    ("agent", "browser", "version", "os", "device"),
    [
        (IPHONE, "Safari", "17", "iOS", "mobile"),
        (IPAD, "Safari", "17", "iOS", "tablet"),
        (ANDROID_PHONE, "Chrome", "126", "Android", "mobile"),
        (ANDROID_TABLET, "Chrome", "126", "Android", "tablet"),
        (WINDOWS_EDGE, "Edge", "126", "Windows", "desktop"),
        (MAC_SAFARI, "Safari", "17", "macOS", "desktop"),
        (LINUX_FIREFOX, "Firefox", "128", "Linux", "desktop"),
        (IOS_FIREFOX, "Firefox", "127", "iOS", "mobile"),
    ],
)
def test_browsers_os_and_devices_are_named_as_people_know_them(agent, browser, version, os, device):
    parsed = agent_parse(agent)
    assert (parsed.browser, parsed.browser_version, parsed.os, parsed.device) == (
        browser,
        version,
        os,
        device,
    )
    assert not parsed.is_bot


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Wget/1.21",
        "",
        "   ",
    ],
)
def test_bots_are_recognised(agent):
    assert agent_parse(agent).is_bot


def test_unknown_agent_gives_empty_fields_not_errors():
    parsed = agent_parse("SomethingNobodyKnows/0.1 (weird)")
    assert parsed.device in ("", "desktop", "mobile", "tablet")
    assert len(parsed.browser) <= 50


def test_results_are_cached_per_string():
    agent_parse.cache_clear()
    agent_parse(LINUX_FIREFOX)
    agent_parse(LINUX_FIREFOX)
    assert agent_parse.cache_info().hits == 1
