import pytest

from visits.ingest.url_parts import INTERNAL, referrer_domain, url_host, url_path


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://x.example/blog/post?utm=1#top", "/blog/post"),
        ("https://x.example", "/"),
        ("https://x.example/", "/"),
        ("http://[::1/", "/"),
    ],
)
def test_url_path(url, path):
    assert url_path(url) == path


@pytest.mark.parametrize(
    ("referrer", "page", "domain"),
    [
        ("", "https://x.example/", ""),
        ("https://www.Google.com/search?q=1", "https://x.example/", "google.com"),
        ("https://x.example/previous", "https://x.example/next", INTERNAL),
        ("https://www.x.example/previous", "https://x.example/next", INTERNAL),
        ("android-app://com.slack/", "https://x.example/", "com.slack"),
        ("not a url", "https://x.example/", ""),
        ("http://[bad/", "https://x.example/", ""),
    ],
)
def test_referrer_domain(referrer, page, domain):
    assert referrer_domain(referrer=referrer, page_url=page) == domain


def test_url_host_strips_www_only_at_the_start():
    assert url_host("https://www.example.com/") == "example.com"
    assert url_host("https://wwwexample.com/") == "wwwexample.com"
