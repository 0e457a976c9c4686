"""Sources and channels through the public surface: the beacon, the dashboard and the lists'
update command (the API's side is in api/tests/test_sources_api.py)."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from sites.services import site_create
from visits.ingest.referrer_lists import DATA, referrer_list
from visits.models import Visit
from visits.tests.conftest import BROWSER_UA
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
PAGE = "https://blog.example.com/post/1"
pytestmark = pytest.mark.django_db


def stored(send, **data):
    response = send(data={"url": PAGE, **data})
    assert response.status_code == 204
    return Visit.objects.get()


def test_a_google_de_visit_is_google_organic_search(send):
    visit = stored(send, referrer="https://www.google.de/")
    assert (visit.referrer_domain, visit.referrer_source, visit.channel) == (
        "google.de",
        "Google",
        "Organic Search",
    )


def test_a_cpc_tag_makes_it_paid_search(send):
    visit = stored(
        send, url=PAGE + "?utm_source=google&utm_medium=cpc", referrer="https://www.google.com/"
    )
    assert (visit.referrer_source, visit.channel, visit.utm_medium) == (
        "Google",
        "Paid Search",
        "cpc",
    )


def test_an_app_referrer_is_named(send):
    visit = stored(send, referrer="android-app://com.google.android.gm/")
    assert (visit.referrer_source, visit.channel) == ("Gmail", "Email")


def test_no_referrer_is_direct(send):
    visit = stored(send)
    assert (visit.referrer_domain, visit.referrer_source, visit.channel) == ("", "", "Direct")


def test_a_subdomain_and_an_extra_domain_of_the_site_are_internal(client, owner):
    site = site_create(
        owner=owner, name="Shop", base_url="https://example.com", extra_domains="shop.example.org"
    )
    for referrer in ("https://blog.example.com/post", "https://shop.example.org/cart"):
        response = client.get(
            f"/sites/{site.pk}/visit",
            {"url": "https://example.com/pricing", "referrer": referrer},
            HTTP_USER_AGENT=BROWSER_UA,
            REMOTE_ADDR="81.2.69.142",
        )
        assert response.status_code == 204
    assert set(Visit.objects.values_list("referrer_domain", "referrer_source", "channel")) == {
        ("(internal)", "(internal)", "(internal)")
    }


def test_a_spam_referrer_is_answered_like_a_bot_and_not_stored(send):
    spam = sorted(referrer_list().spam)[0]
    response = send(data={"url": PAGE, "referrer": f"https://www.{spam}/offer"})
    assert response.status_code == 204
    assert response["X-Visit-Skipped"] == "spam"
    assert not Visit.objects.exists()


def sourced_visits(site):
    """Two visitors from Google (two domains), one from Facebook, one direct, one internal."""
    for number, referrer in enumerate(
        [
            "https://www.google.de/",
            "https://google.co.uk/",
            "https://lm.facebook.com/l.php",
            "",
            "https://blog.example.com/other",
        ]
    ):
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, 15, 9, number, tzinfo=UTC),
            url="https://blog.example.com/a",
            referrer=referrer,
            visitor_hash=number + 1,
        )
    return site


@pytest.fixture
def sourced(site):
    with time_machine.travel(NOW, tick=False):
        yield sourced_visits(site)


def panel(response, dimension):
    return next(p for p in response.context["panels"] if p["dimension"] == dimension)


def test_the_dashboard_shows_channels_and_sources_panels(owner_client, sourced):
    response = owner_client.get(f"/sites/{sourced.pk}/stats/?period=7d")
    channels = {row.label: row.visitors for row, _ in panel(response, "channel")["rows"]}
    sources = {row.label: row.visitors for row, _ in panel(response, "referrer_source")["rows"]}
    assert channels == {"Organic Search": 2, "Organic Social": 1, "Direct": 1}
    assert sources == {"Google": 2, "Facebook": 1, "Direct / none": 1}
    body = response.content.decode()
    assert ">Channels<" in body and ">Sources<" in body


def test_the_dashboard_filters_by_channel_and_source(owner_client, sourced):
    response = owner_client.get(f"/sites/{sourced.pk}/stats/?period=7d")
    links = {row.value: href for row, href in panel(response, "channel")["rows"]}
    filtered = owner_client.get(f"/sites/{sourced.pk}/stats/{links['Organic Search']}")
    headline = {label: value for label, value, _ in filtered.context["headline"]}
    assert headline["Pageviews"] == 2
    assert filtered.context["filters"] == [("Channel", "Organic Search", "?period=7d")]

    by_source = owner_client.get(f"/sites/{sourced.pk}/stats/?period=7d&referrer_source=Google")
    domains = {row.value for row, _ in panel(by_source, "referrer")["rows"]}
    assert domains == {"google.de", "google.co.uk"}
    direct = owner_client.get(f"/sites/{sourced.pk}/stats/?period=7d&referrer_source=direct")
    assert {label: value for label, value, _ in direct.context["headline"]}["Pageviews"] == 1


def test_the_update_command_installs_checked_lists(tmp_path, settings):
    upstream = tmp_path / "searchengine-and-social-list"
    upstream.mkdir()
    socials = (DATA / "matomo-socials.yml").read_text(encoding="utf-8")
    (upstream / "Socials.yml").write_text(socials + "\nNewSocial:\n  - newsocial.example\n")
    spam = tmp_path / "spammers.txt"
    spam.write_text("spam-one.example\nspam-two.example\n")
    settings.REFERRER_LISTS_DIR = tmp_path / "lists"
    out = StringIO()
    try:
        call_command(
            "referrer_lists_update", "--from", str(upstream), "--spam", str(spam), stdout=out
        )
        assert "2 spam domains" in out.getvalue()
        assert referrer_list().source_for("newsocial.example").name == "NewSocial"
        assert referrer_list().is_spam("spam-two.example")
        assert referrer_list().source_for("google.de").name == "Google"  # kept from before
    finally:
        settings.REFERRER_LISTS_DIR = tmp_path / "none"
        referrer_list.cache_clear()


def test_the_update_command_refuses_a_broken_list(tmp_path, settings):
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    (upstream / "SearchEngines.yml").write_text("Bing:\n  - urls: [bing.com]\n")  # no Google
    settings.REFERRER_LISTS_DIR = tmp_path / "lists"
    with pytest.raises(CommandError, match=r"don't know google\.com as Google"):
        call_command("referrer_lists_update", "--from", str(upstream))
    (upstream / "SearchEngines.yml").write_text("Google: [unclosed\n")
    with pytest.raises(CommandError, match="not readable YAML"):
        call_command("referrer_lists_update", "--from", str(upstream))
    with pytest.raises(CommandError, match="holds none of"):
        call_command("referrer_lists_update", "--from", str(tmp_path / "lists"))
    assert not list((tmp_path / "lists").glob("*.yml"))  # nothing replaced
    referrer_list.cache_clear()


def test_the_admin_filters_visits_by_channel(admin_client, sourced):
    response = admin_client.get("/admin/visits/visit/", {"channel": "Organic Social"})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert [visit.referrer for visit in shown] == ["https://lm.facebook.com/l.php"]
    assert "By channel" in response.content.decode()
