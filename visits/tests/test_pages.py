import re
from datetime import timedelta

import pytest
from django.utils import timezone

from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_site_page_lists_latest_visits_with_city_and_country(owner_client, site):
    Visit.objects.create(
        site=site,
        url="https://blog.example.com/hello",
        referrer="https://news.example/",
        browser="Firefox",
        browser_version="128",
        os="Linux",
        device="desktop",
        country="United Kingdom",
        city="London",
    )
    body = owner_client.get(f"/sites/{site.pk}/").content.decode()
    assert "https://blog.example.com/hello" in body
    assert "London, United Kingdom" in body
    assert "Firefox 128" in body
    assert "Desktop" in body
    assert "No visits yet." not in body


def test_site_page_shows_only_the_latest_twenty(owner_client, site):
    now = timezone.now()
    Visit.objects.bulk_create(
        [
            Visit(
                site=site,
                url=f"https://blog.example.com/p{n}",
                timestamp=now - timedelta(minutes=n),
            )
            for n in range(30)
        ]
    )
    page = owner_client.get(f"/sites/{site.pk}/").content.decode()
    shown = re.findall(r'<td class="url" title="https://blog.example.com/(p[0-9]+)"', page)
    assert shown == [f"p{n}" for n in range(20)]


def test_visit_list_is_paginated_newest_first(owner_client, site):
    now = timezone.now()
    Visit.objects.bulk_create(
        [
            Visit(
                site=site,
                url=f"https://blog.example.com/p{n}",
                timestamp=now - timedelta(minutes=n),
            )
            for n in range(120)
        ]
    )
    first = owner_client.get(f"/sites/{site.pk}/visits/")
    assert first.status_code == 200
    assert len(first.context["visits"]) == 50
    assert first.context["visits"][0].url == "https://blog.example.com/p0"
    third = owner_client.get(f"/sites/{site.pk}/visits/?page=3")
    assert len(third.context["visits"]) == 20
    assert "Page 3 of 3" in third.content.decode()
    assert owner_client.get(f"/sites/{site.pk}/visits/?page=9").status_code == 404


def test_visit_values_are_escaped_in_pages(owner_client, site):
    Visit.objects.create(
        site=site, url="https://blog.example.com/<script>alert(1)</script>", event="<b>x</b>"
    )
    body = owner_client.get(f"/sites/{site.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_engagement_pings_are_left_out_of_visit_lists_but_kept_in_the_csv(owner_client, site):
    now = timezone.now()
    Visit.objects.create(site=site, url="https://blog.example.com/a", timestamp=now)
    Visit.objects.create(
        site=site, url="https://blog.example.com/a", event="engagement", timestamp=now
    )
    page = owner_client.get(f"/sites/{site.pk}/").content.decode()
    listed = owner_client.get(f"/sites/{site.pk}/visits/").context["visits"]
    assert page.count("<td>pageview</td>") == 1
    assert "<td>engagement</td>" not in page
    assert [visit.event for visit in listed] == ["pageview"]
    csv_body = b"".join(owner_client.get(f"/sites/{site.pk}/visits.csv").streaming_content)
    assert b",engagement," in csv_body
