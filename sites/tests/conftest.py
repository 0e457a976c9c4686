"""A site's team in every role, logged in to the pages or holding an API token."""

import pytest
from rest_framework.test import APIClient

from accounts.services import user_register
from api.models import SCOPES
from api.services import token_create
from sites.models import Membership, Role, Site

PASSWORD = "a long enough passphrase 42"


def _member(email: str, site: Site, role: str | None):
    user = user_register(email=email, password=PASSWORD)
    if role:
        Membership.objects.create(site=site, user=user, role=role)
    return user


@pytest.fixture
def viewer(site):
    return _member("viewer@example.net", site, Role.VIEWER)


@pytest.fixture
def manager(site):
    return _member("manager@example.net", site, Role.MANAGER)


@pytest.fixture
def stranger(site):
    return _member("stranger@example.net", site, None)


@pytest.fixture
def as_user(client, owner, viewer, manager, stranger):
    users = {"owner": owner, "viewer": viewer, "manager": manager, "stranger": stranger}

    def log_in(who: str):
        client.force_login(users[who])
        return client

    return log_in


@pytest.fixture
def api_as(owner, viewer, manager, stranger):
    users = {"owner": owner, "viewer": viewer, "manager": manager, "stranger": stranger}

    def client_for(who: str) -> APIClient:
        client = APIClient()
        token = token_create(owner=users[who], name="script", scopes=SCOPES)[1]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return client_for
