"""The token pages speak the owner's language like every other owner page."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_new_token_page_is_german_for_a_german_browser(owner_client):
    page = owner_client.get("/accounts/tokens/new/", headers={"accept-language": "de"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Neues API-Token" in text and "Websites, ihre Zahlen und Besuche sehen" in text
    assert "New API token" not in text


def test_a_token_needs_a_scope_in_french(owner_client):
    page = owner_client.post(
        "/accounts/tokens/new/",
        {"name": "CI", "all_sites": "on"},
        headers={"accept-language": "fr"},
    )
    assert page.status_code == 200
    assert "Donnez au jeton au moins un droit." in page.content.decode()
