"""Where a visitor came from: the referrer's host written one way, the named source it belongs
to (every Google domain is "Google"), whether it is the site itself, and whether it is spam."""

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from sites.base_urls import host_ascii
from visits.ingest.channels import channel_for
from visits.ingest.referrer_lists import referrer_list

INTERNAL = "(internal)"  # a link from another page of the same site: not a source of visitors
# Android (and iOS) apps send `android-app://<package>/` as the referrer.
APP_SCHEMES = ("android-app", "ios-app")
SOURCE_MAX_LENGTH = 100
DOMAIN_MAX_LENGTH = 255


def host_normalise(host: str) -> str:
    """A host name one way only: lower case, punycode for IDNs, no trailing dot, no `www.`;
    '' for one no browser would send."""
    try:
        host = host_ascii(host.strip())
    except UnicodeError:
        return ""
    return host[4:] if host.startswith("www.") else host


def referrer_host(referrer: str) -> str:
    """The normalised host of a referrer URL (an app's package name for `android-app://`)."""
    try:
        parts = urlsplit(referrer.strip())
        host = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme.lower() in APP_SCHEMES:
        return host.lower()
    return host_normalise(host)


def referrer_source_for(host: str) -> str:
    """The named source of a normalised host ("Google" for google.co.uk, "Gmail" for
    com.google.android.gm), or the host itself when the lists don't know it."""
    if not host:
        return ""
    found = referrer_list().source_for(host)
    return (found.name if found else host)[:SOURCE_MAX_LENGTH]


def is_internal(host: str, *, page_url: str, site_domains: Iterable[str] = ()) -> bool:
    """Whether a referrer host is the site itself: the page's host, or one of the site's
    domains or a subdomain of one."""
    try:
        page_host = host_normalise(urlsplit(page_url).hostname or "")
    except ValueError:
        page_host = ""
    return host == page_host or host_in_domains(host, site_domains)


def host_in_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether a normalised host is one of the domains or a subdomain of one (with or without
    `www.`)."""
    for domain in domains:
        domain = host_normalise(domain)
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def is_spam_referrer(referrer: str) -> bool:
    """Whether a referrer's host (or a domain above it) is on the referrer-spam list."""
    host = referrer_host(referrer)
    return bool(host) and referrer_list().is_spam(host)


def referrer_fields(
    *,
    referrer: str,
    page_url: str,
    site_domains: Iterable[str] = (),
    campaign: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A visit's `referrer_domain`, `referrer_source` and `channel`: all three INTERNAL for a
    link within the site, '' domain and source for a direct visit."""
    host = referrer_host(referrer)
    if host and is_internal(host, page_url=page_url, site_domains=site_domains):
        return {"referrer_domain": INTERNAL, "referrer_source": INTERNAL, "channel": INTERNAL}
    found = referrer_list().source_for(host) if host else None
    return {
        "referrer_domain": host[:DOMAIN_MAX_LENGTH],
        "referrer_source": referrer_source_for(host),
        "channel": channel_for(
            referrer_category=found.category if found else "",
            has_referrer=bool(host),
            campaign=campaign or {},
            page_url=page_url,
        ),
    }
