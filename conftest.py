"""Fixtures shared by every app's tests."""

import pytest

from accounts.services import user_register
from sites.services import site_create

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs `collectstatic`; tests read static files straight from static/.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def owner(db):
    return user_register(email="owner@example.com", password=PASSWORD, name="Olive Owner")


@pytest.fixture
def other_owner(db):
    return user_register(email="other@example.org", password=PASSWORD, name="Otto Other")


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(email="root@example.com", password=PASSWORD)


@pytest.fixture
def site(owner):
    return site_create(owner=owner, name="Blog", base_url="https://blog.example.com")


@pytest.fixture
def other_site(other_owner):
    return site_create(owner=other_owner, name="Shop", base_url="https://shop.example.org")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
