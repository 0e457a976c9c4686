"""The parts of page and referrer URLs that reports group by."""

from urllib.parse import urlsplit

from visits.models import URL_MAX_LENGTH


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


INTERNAL = "(internal)"  # a link from another page of the same site: not a source of visitors


def referrer_domain(*, referrer: str, page_url: str) -> str:
    """Where a visitor came from, by domain: '' for direct visits, INTERNAL within the site."""
    source = url_host(referrer)
    if not source:
        return ""
    if source == url_host(page_url):
        return INTERNAL
    return source[:255]
