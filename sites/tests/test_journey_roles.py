"""Journeys are read by the whole team; strangers get a 404, anonymous users the login."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, status", [("owner", 200), ("manager", 200), ("viewer", 200),
                                         ("stranger", 404)])  # fmt: skip
def test_journeys_page_by_role(as_user, site, who, status):
    assert as_user(who).get(f"/sites/{site.pk}/journeys/").status_code == status


def test_anonymous_users_are_sent_to_log_in(client, site):
    response = client.get(f"/sites/{site.pk}/journeys/")
    assert response.status_code == 302
    assert "login" in response["Location"]
