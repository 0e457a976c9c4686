"""A visit's channel, by the rules of Google Analytics 4's default channel group as Plausible
applies them: from the campaign tags, an ad click id, and the kind of source. Like Plausible,
AI assistants count as search engines, and what GA4 leaves Unassigned (a source but no known
medium) is a Referral."""

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from visits.ingest.referrer_lists import referrer_list

DIRECT = "Direct"
CROSS_NETWORK = "Cross-network"
PAID_SHOPPING = "Paid Shopping"
PAID_SEARCH = "Paid Search"
PAID_SOCIAL = "Paid Social"
PAID_VIDEO = "Paid Video"
DISPLAY = "Display"
PAID_OTHER = "Paid Other"
ORGANIC_SHOPPING = "Organic Shopping"
ORGANIC_SOCIAL = "Organic Social"
ORGANIC_VIDEO = "Organic Video"
ORGANIC_SEARCH = "Organic Search"
REFERRAL = "Referral"
EMAIL = "Email"
AFFILIATES = "Affiliates"
AUDIO = "Audio"
SMS = "SMS"
MOBILE_PUSH = "Mobile Push Notifications"
CHANNELS = (
    DIRECT, CROSS_NETWORK, PAID_SHOPPING, PAID_SEARCH, PAID_SOCIAL, PAID_VIDEO, DISPLAY,
    PAID_OTHER, ORGANIC_SHOPPING, ORGANIC_SOCIAL, ORGANIC_VIDEO, ORGANIC_SEARCH, REFERRAL, EMAIL,
    AFFILIATES, AUDIO, SMS, MOBILE_PUSH,
)  # fmt: skip

PAID_MEDIUM = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
SHOP_CAMPAIGN = re.compile(r"^(.*(([^a-df-z]|^)shop|shopping).*)$")
DISPLAY_MEDIA = ("display", "banner", "expandable", "interstitial", "cpm")
SOCIAL_MEDIA = ("social", "social-network", "social-media", "sm", "social network", "social media")
EMAIL_WORDS = ("email", "e-mail", "e_mail", "e mail", "newsletter")
SEARCH_KINDS = ("search", "ai")
# Ad clicks tagged by the search engines' auto-tagging (Google Ads, Microsoft Ads); fbclid is not
# one: Facebook adds it to every outbound link.
SEARCH_CLICK_IDS = frozenset({"gclid", "gbraid", "wbraid", "gclsrc", "dclid", "msclkid"})


def _category_of(utm_source: str) -> str:
    """The kind of source a utm_source names: a source name ("google") or a host."""
    if not utm_source:
        return ""
    lists = referrer_list()
    found = lists.names.get(utm_source) or lists.source_for(utm_source.removeprefix("www."))
    return found.category if found else ""


def _click_id(page_url: str) -> bool:
    try:
        query = urlsplit(page_url).query
    except ValueError:
        return False
    if not query:
        return False
    names = {name.lower() for name, _ in parse_qsl(query, max_num_fields=200)}
    return not names.isdisjoint(SEARCH_CLICK_IDS)


def channel_for(
    *, referrer_category: str, has_referrer: bool, campaign: Mapping[str, str], page_url: str
) -> str:
    """One of CHANNELS for a visit that did not come from the site itself."""
    utm_source = (campaign.get("utm_source") or "").strip().lower()
    medium = (campaign.get("utm_medium") or "").strip().lower()
    name = (campaign.get("utm_campaign") or "").strip().lower()
    kind = _category_of(utm_source) or referrer_category
    kind = "search" if kind in SEARCH_KINDS else kind
    paid = bool(PAID_MEDIUM.match(medium))
    if "cross-network" in name:
        return CROSS_NETWORK
    if paid and (kind == "shopping" or SHOP_CAMPAIGN.match(name)):
        return PAID_SHOPPING
    if (paid and kind == "search") or (_click_id(page_url) and kind in ("search", "")):
        return PAID_SEARCH
    if paid and kind == "social":
        return PAID_SOCIAL
    if paid and kind == "video":
        return PAID_VIDEO
    if medium in DISPLAY_MEDIA:
        return DISPLAY
    if paid:
        return PAID_OTHER
    if kind == "shopping" or SHOP_CAMPAIGN.match(name):
        return ORGANIC_SHOPPING
    if kind == "social" or medium in SOCIAL_MEDIA:
        return ORGANIC_SOCIAL
    if kind == "video" or "video" in medium:
        return ORGANIC_VIDEO
    if kind == "search" or medium == "organic":
        return ORGANIC_SEARCH
    if kind == "email" or any(word in utm_source or word in medium for word in EMAIL_WORDS):
        return EMAIL
    if medium == "affiliate":
        return AFFILIATES
    if medium == "audio":
        return AUDIO
    if utm_source == "sms" or medium == "sms":
        return SMS
    if medium.endswith("push") or "mobile" in medium or "notification" in medium:
        return MOBILE_PUSH
    if utm_source == "firebase":
        return MOBILE_PUSH
    if medium in ("referral", "app", "link") or utm_source or has_referrer:
        return REFERRAL
    return DIRECT
