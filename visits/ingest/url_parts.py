"""The parts of page and referrer URLs that reports group by."""

from urllib.parse import urlsplit

from visits.ingest.referrers import INTERNAL, referrer_fields
from visits.models import URL_MAX_LENGTH

__all__ = ["INTERNAL", "referrer_domain", "url_host", "url_path"]


def url_path(url: str) -> str:
    """The path of a page URL, without query or fragment: `/blog/post`."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return "/"
    return (path or "/")[:URL_MAX_LENGTH]


def url_host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def referrer_domain(*, referrer: str, page_url: str, site_domains: tuple[str, ...] = ()) -> str:
    """Where a visitor came from, by normalised host: '' for direct visits, INTERNAL within
    the site (see `visits.ingest.referrers.referrer_fields` for the source and channel too)."""
    return referrer_fields(referrer=referrer, page_url=page_url, site_domains=site_domains)[
        "referrer_domain"
    ]
