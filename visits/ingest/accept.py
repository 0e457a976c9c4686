"""One way in for a hit, from the beacon and from the API alike: a page on the site, not one to
skip, recorded."""

from urllib.parse import urlsplit

from sites.models import Site
from visits.ingest.geo import geolocator
from visits.ingest.parse import BeaconError, BeaconHit
from visits.ingest.record import visit_record
from visits.ingest.referrers import host_in_domains, host_normalise, is_spam_referrer
from visits.ingest.site_cache import BeaconSite

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def page_on_site(*, url: str, domains: tuple[str, ...], allow_localhost: bool) -> bool:
    """Whether a page belongs to the site: its domain or a subdomain of one of its domains,
    with or without www; localhost only when the owner allows it."""
    try:
        host = host_normalise(urlsplit(url).hostname or "")
    except ValueError:
        return False
    if allow_localhost and (host in LOCAL_HOSTS or host.endswith(".localhost")):
        return True
    return host_in_domains(host, domains)


def hit_accept(*, site: BeaconSite | Site, hit: BeaconHit) -> str:
    """Record a hit for a site. Returns why it was skipped ("dnt", "bot", "prefetch", "spam"
    for a referrer on the referrer-spam list, "shield" for one the owner's shields keep out),
    or "" when it was stored; raises BeaconError when the page is not on the site's domains."""
    if not page_on_site(url=hit.url, domains=site.domains, allow_localhost=site.allow_localhost):
        raise BeaconError("This page is not on the site's domains.")
    if hit.skip_reason:
        return hit.skip_reason
    if is_spam_referrer(hit.referrer):
        return "spam"
    shields = site.shields
    location = None
    if shields.active:
        if shields.covers_address(hit.client_ip) or shields.covers_page(hit.url):
            return "shield"
        if shields.countries:
            # Located once, for the shield and for the visit alike.
            location = geolocator.locate(hit.client_ip)
            if shields.covers_country(location.country_code):
                return "shield"
    visit_record(site=site, hit=hit, location=location)
    return ""
