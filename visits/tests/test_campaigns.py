import json

import pytest

from visits.ingest.campaigns import campaign_from_url, screen_class
from visits.models import Visit


def tags(url):
    return campaign_from_url(url)


def test_all_five_tags():
    assert tags(
        "https://x.example/?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=a+b"
        "&utm_content=button"
    ) == {
        "utm_source": "news",
        "utm_medium": "email",
        "utm_campaign": "spring",
        "utm_term": "a b",
        "utm_content": "button",
    }


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://x.example/?UTM_Source=Newsletter", "Newsletter"),  # odd casing of the name
        ("https://x.example/?utm_source=a&utm_source=b", "a"),  # the first of duplicates
        ("https://x.example/?utm_source=caf%C3%A9%20cr%C3%A8me", "café crème"),  # encoding
        ("https://x.example/?utm_source=%FF%FE", "\ufffd\ufffd"),  # bad UTF-8: replaced, no error
        ("https://x.example/?utm_source=%00bad%0A", "bad"),  # control characters dropped
        ("https://x.example/?ref=producthunt", "producthunt"),
        ("https://x.example/?source=hn&ref=other", "hn"),
        ("https://x.example/?utm_source=&ref=fallback", "fallback"),
        ("https://x.example/?utm_source=" + "s" * 300, "s" * 100),  # cut, not refused
        ("https://x.example/#utm_source=fragment", ""),
        ("https://x.example/", ""),
        ("http://[::1/?utm_source=x", ""),
    ],
)
def test_source_parsing(url, source):
    assert tags(url)["utm_source"] == source


@pytest.mark.parametrize(
    ("width", "size"),
    [
        (320, "mobile"),
        (575, "mobile"),
        (576, "tablet"),
        (991, "tablet"),
        (992, "laptop"),
        (1439, "laptop"),
        (1440, "desktop"),
        (3840, "desktop"),
        ("1024", "laptop"),
        (0, ""),
        (-5, ""),
        ("wide", ""),
        (None, ""),
        (10**9, ""),
        (float("nan"), ""),
    ],
)
def test_screen_classes(width, size):
    assert screen_class(width) == size


@pytest.mark.django_db
def test_beacon_stores_campaign_and_screen(send):
    response = send(
        "post",
        data=json.dumps(
            {
                "url": "https://blog.example.com/?utm_source=Mastodon&utm_campaign=launch",
                "w": 390,
            }
        ),
        content_type="text/plain",
    )
    assert response.status_code == 204
    visit = Visit.objects.get()
    assert (visit.utm_source, visit.utm_campaign, visit.screen) == ("Mastodon", "launch", "mobile")


@pytest.mark.django_db
@pytest.mark.parametrize("width", ["", "abc", "1e400", None, True, [1], 1.5e300])
def test_odd_widths_never_fail(send, width):
    response = send(
        "post",
        data=json.dumps({"url": "https://blog.example.com/", "w": width}),
        content_type="application/json",
    )
    assert response.status_code in (204, 400)
    if response.status_code == 204:
        assert Visit.objects.get().screen == ""
