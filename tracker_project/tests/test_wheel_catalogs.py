"""The built wheel carries every app's compiled translations, so an install needs no gettext."""

import zipfile

import pytest

from tracker_project.tests.test_install import wheel  # noqa: F401 (the fixture)

APPS = ("accounts", "sites", "visits", "reports", "api")
LANGUAGES = ("de", "fr", "es")


@pytest.mark.parametrize("app", APPS)
def test_the_wheel_carries_the_compiled_catalogs(wheel, app):  # noqa: F811
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in LANGUAGES:
        assert f"{app}/locale/{language}/LC_MESSAGES/django.mo" in names
