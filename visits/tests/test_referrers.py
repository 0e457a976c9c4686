"""Referrers grouped into named sources, hosts written one way, the site itself internal, spam
known, and each visit's channel by GA4's default channel group."""

import tomllib
from pathlib import Path

import pytest
import yaml

from visits.ingest.channels import CHANNELS
from visits.ingest.referrer_lists import DATA, UPSTREAM_FILES, referrer_list
from visits.ingest.referrers import (
    INTERNAL,
    host_normalise,
    is_spam_referrer,
    referrer_fields,
    referrer_host,
    referrer_source_for,
)

SNOWPLOW = Path(__file__).resolve().parents[3] / "shared/fixtures/referrers/snowplow-referers.yml"
PAGE = "https://example.com/pricing"
GOOGLE = ("search", "Google")  # Snowplow's category and name


def fields(referrer, page=PAGE, domains=("example.com",), **campaign):
    return referrer_fields(
        referrer=referrer, page_url=page, site_domains=domains, campaign=campaign
    )


@pytest.mark.parametrize(
    ("referrer", "source"),
    [
        ("https://www.google.de/", "Google"),
        ("https://google.com/search?q=x", "Google"),
        ("https://www.google.co.uk/", "Google"),
        ("https://google.com.br/", "Google"),
        ("http://google.com./", "Google"),
        ("https://WWW.GOOGLE.FR/", "Google"),
        ("https://facebook.com/", "Facebook"),
        ("https://m.facebook.com/story", "Facebook"),
        ("https://l.facebook.com/l.php?u=x", "Facebook"),
        ("https://lm.facebook.com/l.php?u=x", "Facebook"),
        ("https://t.co/abc", "Twitter"),
        ("https://x.com/someone", "Twitter"),
        ("https://twitter.com/someone", "Twitter"),
        ("https://mobile.twitter.com/someone", "Twitter"),
        ("android-app://com.google.android.gm/", "Gmail"),
        ("android-app://com.google.android.googlequicksearchbox/https/www.google.com", "Google"),
        ("https://mail.google.com/mail/u/0/", "Gmail"),
        ("https://chatgpt.com/", "ChatGPT"),
        ("https://www.perplexity.ai/search", "Perplexity"),
        ("https://duckduckgo.com/", "DuckDuckGo"),
        ("https://www.bing.com/search?q=x", "Bing"),
    ],
)
def test_hosts_of_one_source_share_its_name(referrer, source):
    assert fields(referrer)["referrer_source"] == source


def test_a_host_the_lists_dont_know_is_its_own_source():
    assert fields("https://www.Indie-Blog.example.net/post")["referrer_source"] == (
        "indie-blog.example.net"
    )
    assert fields("android-app://org.example.reader/")["referrer_source"] == "org.example.reader"


def test_a_name_is_not_matched_inside_another_domain():
    assert referrer_source_for("google.example.net") == "google.example.net"
    assert referrer_source_for("notgoogle.com") == "notgoogle.com"


def test_hosts_are_written_one_way():
    assert host_normalise("WWW.Example.COM.") == "example.com"
    assert referrer_host("https://straße.de/") == referrer_host("https://xn--strae-oqa.de/")
    assert referrer_host("https://straße.de/") == "xn--strae-oqa.de"
    assert referrer_host("https://www.google.com./") == "google.com"
    assert referrer_host("android-app://com.google.android.gm") == "com.google.android.gm"
    assert referrer_host("not a url") == ""
    assert referrer_host("http://[::1") == ""  # unparseable: no host, no error


def test_the_domain_column_groups_trailing_dots_and_idn_too():
    assert fields("http://google.com./")["referrer_domain"] == "google.com"
    assert fields("https://straße.de/")["referrer_domain"] == "xn--strae-oqa.de"


@pytest.mark.parametrize(
    "referrer",
    [
        "https://example.com/",
        "https://www.example.com/",
        "https://blog.example.com/post",
        "https://EXAMPLE.com./",
        "https://shop.example.org/cart",  # an extra domain
        "https://eu.shop.example.org/cart",
    ],
)
def test_the_site_its_subdomains_and_extra_domains_are_internal(referrer):
    assert fields(referrer, domains=("example.com", "shop.example.org")) == {
        "referrer_domain": INTERNAL,
        "referrer_source": INTERNAL,
        "channel": INTERNAL,
    }


def test_a_lookalike_of_the_site_is_external():
    assert fields("https://notexample.com/")["referrer_domain"] == "notexample.com"
    assert fields("https://example.com.evil.net/")["channel"] == "Referral"


def test_no_referrer_is_direct():
    assert fields("") == {"referrer_domain": "", "referrer_source": "", "channel": "Direct"}


@pytest.mark.parametrize(
    ("referrer", "page", "campaign", "channel"),
    [
        ("https://www.google.de/", PAGE, {}, "Organic Search"),
        ("https://www.google.de/", PAGE, {"utm_medium": "cpc"}, "Paid Search"),
        ("", PAGE + "?gclid=abc", {}, "Paid Search"),
        ("https://www.google.com/", PAGE + "?gclid=abc", {}, "Paid Search"),
        ("", PAGE, {"utm_source": "google", "utm_medium": "cpc"}, "Paid Search"),
        ("", PAGE, {"utm_source": "bing", "utm_medium": "paid-search"}, "Paid Search"),
        ("https://l.facebook.com/", PAGE, {}, "Organic Social"),
        ("https://l.facebook.com/", PAGE, {"utm_medium": "paid_social"}, "Paid Social"),
        ("", PAGE, {"utm_source": "facebook", "utm_medium": "cpc"}, "Paid Social"),
        ("", PAGE, {"utm_source": "mastodon", "utm_medium": "social"}, "Organic Social"),
        ("https://www.youtube.com/watch", PAGE, {}, "Organic Video"),
        ("", PAGE, {"utm_source": "youtube", "utm_medium": "cpv"}, "Paid Video"),
        ("https://www.amazon.de/dp/1", PAGE, {}, "Organic Shopping"),
        ("", PAGE, {"utm_campaign": "summer-shopping", "utm_medium": "cpc"}, "Paid Shopping"),
        ("android-app://com.google.android.gm", PAGE, {}, "Email"),
        ("", PAGE, {"utm_source": "newsletter", "utm_medium": "email"}, "Email"),
        ("", PAGE, {"utm_medium": "banner"}, "Display"),
        ("", PAGE, {"utm_medium": "cpm", "utm_source": "adnet"}, "Display"),
        ("", PAGE, {"utm_medium": "paid", "utm_source": "adnet"}, "Paid Other"),
        ("", PAGE, {"utm_medium": "affiliate"}, "Affiliates"),
        ("", PAGE, {"utm_medium": "audio"}, "Audio"),
        ("", PAGE, {"utm_source": "sms"}, "SMS"),
        ("", PAGE, {"utm_medium": "push"}, "Mobile Push Notifications"),
        ("", PAGE, {"utm_campaign": "cross-network-q3"}, "Cross-network"),
        ("https://news.example.net/", PAGE, {}, "Referral"),
        ("https://chatgpt.com/", PAGE, {}, "Organic Search"),  # as Plausible counts AI tools
        ("", PAGE, {"utm_medium": "referral"}, "Referral"),
        ("", PAGE, {"utm_source": "producthunt"}, "Referral"),
        ("", PAGE, {"utm_source": "weekly", "utm_medium": "zzz"}, "Referral"),
        ("", PAGE, {"utm_medium": "zzz"}, "Direct"),
        ("", PAGE, {"utm_source": "acme-newsletter"}, "Email"),
        ("", PAGE + "?fbclid=abc", {}, "Direct"),  # Facebook tags every outbound link
    ],
)
def test_channels_follow_the_default_channel_group(referrer, page, campaign, channel):
    assert fields(referrer, page=page, **campaign)["channel"] == channel
    assert channel in CHANNELS


def test_known_referrer_spam_and_its_subdomains_are_spam():
    spam = next(iter(sorted(referrer_list().spam)))
    assert is_spam_referrer(f"https://{spam}/")
    assert is_spam_referrer(f"http://www.{spam}/page")
    assert is_spam_referrer(f"https://shop.{spam}/")
    assert not is_spam_referrer("https://www.google.com/")
    assert not is_spam_referrer(f"https://{spam}.example.net/")
    assert not is_spam_referrer("")


def test_the_lists_ship_with_the_package_and_their_licence():
    for name in (*UPSTREAM_FILES, "supplement.yml", "matomo-LICENSE.txt", "README.md"):
        assert (DATA / name).is_file(), name
    assert "CC0 1.0 Universal" in (DATA / "matomo-LICENSE.txt").read_text()
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "ingest/data/*" in pyproject["tool"]["setuptools"]["package-data"]["visits"]


def snowplow_domains():
    if not SNOWPLOW.is_file():
        pytest.skip(f"Snowplow's referrer list is not at {SNOWPLOW} (../shared/fixtures absent)")
    tree = yaml.safe_load(SNOWPLOW.read_text(encoding="utf-8"))
    return [
        (category, name, domain)
        for category, sources in tree.items()
        for name, source in sources.items()
        for domain in source["domains"]
    ]


def grouped(domain):
    """A Snowplow domain (some with a path) as the beacon names it, arriving as a referrer."""
    return fields(f"https://{domain}")["referrer_source"]


def test_snowplows_referrer_list_is_grouped():
    """Snowplow's list names 2,506 domains as 433 sources. Each host alone was 1,696 rows (once
    `www.` is dropped), Google's search domains 224; named sources bring that to 540 and 4
    (Matomo's lists don't know every one of Snowplow's job boards, mail hosts and ad servers)."""
    domains = snowplow_domains()
    assert len(domains) == 2506
    assert len({grouped(domain) for _, _, domain in domains}) <= 545
    google = [grouped(domain) for category, name, domain in domains if (category, name) == GOOGLE]
    assert len(google) == 421
    # Every google.<country> domain is "Google"; the rest are Google's named sub-services.
    assert google.count("Google") >= 415
    assert len(set(google)) <= 4
    for category, name in (("social", "Facebook"), ("social", "Twitter"), ("search", "Bing")):
        sources = {grouped(domain) for c, n, domain in domains if (c, n) == (category, name)}
        assert sources == {name}, (name, sources)
