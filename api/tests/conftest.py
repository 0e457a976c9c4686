import pytest
from rest_framework.test import APIClient

from api.services import token_create


@pytest.fixture
def write_token(owner):
    return token_create(owner=owner, name="script", read_only=False)[1]


@pytest.fixture
def read_token(owner):
    return token_create(owner=owner, name="report", read_only=True)[1]


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
