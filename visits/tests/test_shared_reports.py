"""Funnels, experiments and journeys behind a shared link: the same figures as the team's
pages, read-only, with links that stay on the shared pages, and the link's password honoured."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sites.funnel_services import funnel_create
from sites.services import shared_link_create
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def known_visits(site):
    """Yesterday: a French visitor goes all the way, a German one stops at /pricing, another
    French one leaves from /."""
    paths = {
        (1, "FR"): ["/", "/pricing", ("/pricing", "signup")],
        (2, "DE"): ["/", "/pricing"],
        (3, "FR"): ["/"],
    }
    start = NOW - timedelta(days=1)
    for (visitor, country), hits in paths.items():
        for minute, step in enumerate(hits):
            path, event = step if isinstance(step, tuple) else (step, "pageview")
            VisitFactory(
                site=site,
                visitor_hash=visitor,
                timestamp=start + timedelta(minutes=minute),
                url=f"https://blog.example.com{path}",
                event=event,
                country_code=country,
            )


CELLS = re.compile(r'<td class="num">([^<]*)</td>')


@pytest.fixture
def link(site):
    return shared_link_create(site=site, name="Board")


def get(client, url):
    with time_machine.travel(NOW, tick=False):
        return client.get(url)


def test_a_shared_funnel_gives_the_teams_figures_and_links_to_the_shared_dashboard(
    client, owner_client, site, link, signup_funnel, known_visits
):
    team = get(owner_client, f"/sites/{site.pk}/funnels/{signup_funnel.pk}/?period=7d&country=FR")
    shared = get(client, f"/share/{link.token}/funnels/{signup_funnel.pk}/?period=7d&country=FR")
    assert shared.status_code == 200
    body = shared.content.decode()
    assert CELLS.findall(body) == CELLS.findall(team.content.decode())
    assert CELLS.findall(body)[:1] == ["2"]  # the French visitors, as the filter asks
    assert f'href="/share/{link.token}/?period=7d&amp;country=FR"' in body  # back, filters kept
    assert f"/sites/{site.pk}/" not in body  # nothing of the team's pages


def test_shared_journeys_give_the_teams_paths(client, owner_client, site, link, known_visits):
    team = get(owner_client, f"/sites/{site.pk}/journeys/?period=7d&steps=2").content.decode()
    body = get(client, f"/share/{link.token}/journeys/?period=7d&steps=2").content.decode()
    paths = re.compile(r'<td class="url">(.*?)</td>')
    team_paths = [row.replace(f"/sites/{site.pk}/stats/", f"/share/{link.token}/")
                  for row in paths.findall(team)]  # fmt: skip
    assert paths.findall(body) == team_paths
    assert team_paths[0].startswith(f'<a href="/share/{link.token}/?') and " → " in team_paths[0]
    assert CELLS.findall(body) == CELLS.findall(team) and CELLS.findall(body)
    assert f"/sites/{site.pk}/" not in body


def test_the_shared_dashboard_lists_the_reports_and_the_embed_does_not(
    client, site, link, signup_funnel
):
    body = get(client, f"/share/{link.token}/").content.decode()
    assert f'href="/share/{link.token}/funnels/{signup_funnel.pk}/">Funnel: Signup</a>' in body
    assert f'href="/share/{link.token}/journeys/">Journeys</a>' in body
    embed = get(client, f"/share/{link.token}/embed/").content.decode()
    assert "/funnels/" not in embed


def test_another_sites_funnel_or_an_unknown_link_is_a_404(client, link, other_site):
    theirs = funnel_create(
        site=other_site,
        name="Theirs",
        steps=[{"kind": "page", "value": "/"}, {"kind": "page", "value": "/b"}],
    )
    assert get(client, f"/share/{link.token}/funnels/{theirs.pk}/").status_code == 404
    assert get(client, f"/share/not-a-token/funnels/{theirs.pk}/").status_code == 404
    assert get(client, "/share/not-a-token/journeys/").status_code == 404


def test_a_password_protected_link_sends_reports_to_its_password_page(client, site, signup_funnel):
    link = shared_link_create(site=site, password="open sesame")
    url = f"/share/{link.token}/funnels/{signup_funnel.pk}/"
    response = get(client, url)
    assert response.status_code == 302 and response["Location"] == f"/share/{link.token}/"
    with time_machine.travel(NOW, tick=False):
        client.post(f"/share/{link.token}/", {"password": "open sesame"})
    assert get(client, url).status_code == 200


def test_a_revoked_link_closes_its_reports(client, link, signup_funnel):
    url = f"/share/{link.token}/funnels/{signup_funnel.pk}/"
    assert get(client, url).status_code == 200
    link.delete()
    assert get(client, url).status_code == 404
