import pytest
from rest_framework.test import APIClient

from api.models import READ, SCOPES
from api.services import token_create


@pytest.fixture
def write_token(owner):
    return token_create(owner=owner, name="script", scopes=SCOPES)[1]


@pytest.fixture
def read_token(owner):
    return token_create(owner=owner, name="report", scopes=[READ])[1]


@pytest.fixture
def api(write_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_token}")
    return client


@pytest.fixture
def read_api(read_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {read_token}")
    return client
