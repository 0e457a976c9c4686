import csv
import io

import pytest

from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(site, other_site):
    return (
        Visit.objects.create(
            site=site, url="https://blog.example.com/mine", country="Germany", browser="Firefox"
        ),
        Visit.objects.create(
            site=other_site, url="https://shop.example.org/theirs", country="France"
        ),
    )


def test_owner_sees_only_own_visits(owner_client, visits):
    body = owner_client.get("/admin/visits/visit/").content.decode()
    assert "https://blog.example.com/mine" in body
    assert "https://shop.example.org/theirs" not in body
    assert "Shop" not in body  # the site filter lists only the owner's sites
    assert owner_client.get(f"/admin/visits/visit/{visits[1].pk}/change/").status_code == 404


def test_owner_reads_visit_but_cannot_change_or_add(owner_client, visits):
    mine = visits[0]
    page = owner_client.get(f"/admin/visits/visit/{mine.pk}/change/")
    assert page.status_code == 200
    assert 'name="url"' not in page.content.decode()
    owner_client.post(f"/admin/visits/visit/{mine.pk}/change/", {"url": "https://changed.example/"})
    mine.refresh_from_db()
    assert mine.url == "https://blog.example.com/mine"
    assert owner_client.get("/admin/visits/visit/add/").status_code == 403
    assert (
        owner_client.post(f"/admin/visits/visit/{mine.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Visit.objects.filter(pk=mine.pk).exists()


def test_filters_and_search(owner_client, visits, site):
    assert "mine" in owner_client.get("/admin/visits/visit/?q=mine").content.decode()
    assert "mine" not in owner_client.get("/admin/visits/visit/?q=nothing").content.decode()
    assert (
        "mine"
        in owner_client.get(f"/admin/visits/visit/?site__id__exact={site.pk}").content.decode()
    )
    assert "mine" in owner_client.get("/admin/visits/visit/?browser=Firefox").content.decode()


def test_export_action_returns_csv_of_selected_own_visits(owner_client, visits):
    response = owner_client.post(
        "/admin/visits/visit/",
        {
            "action": "export_csv",
            "_selected_action": [visits[0].pk, visits[1].pk],
        },
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "timestamp"
    assert [row[1] for row in rows[1:]] == ["https://blog.example.com/mine"]


def test_superuser_sees_all_visits(client, superuser, visits):
    client.force_login(superuser)
    body = client.get("/admin/visits/visit/").content.decode()
    assert "mine" in body and "theirs" in body


def test_superuser_deleting_visits_drops_their_rollups(client, superuser, site):
    from datetime import UTC, date, datetime

    from visits.models import DailyRollup
    from visits.stats.rollups import rollup_ensure

    old = Visit.objects.create(
        site=site, url="https://blog.example.com/", timestamp=datetime(2026, 1, 5, 12, tzinfo=UTC)
    )
    Visit.objects.create(
        site=site, url="https://blog.example.com/", timestamp=datetime(2026, 1, 6, 12, tzinfo=UTC)
    )
    rollup_ensure(
        site=site,
        first_day=date(2026, 1, 5),
        last_day=date(2026, 1, 6),
        now=datetime(2026, 2, 1, tzinfo=UTC),
    )
    client.force_login(superuser)
    response = client.post(
        "/admin/visits/visit/",
        {
            "action": "delete_selected",
            "_selected_action": [old.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Visit.objects.filter(pk=old.pk).exists()
    assert set(DailyRollup.objects.filter(dimension="").values_list("day", flat=True)) == {
        date(2026, 1, 6)
    }
