"""The pages and emails in the browser's language or the account's choice, through HTTP, with
days and numbers written the language's way; the API stays in English."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from reports.services import digests_send, subscription_create
from sites.services import invitation_create, invitation_send
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)
WEEK = "period=custom&from=2026-03-09&to=2026-03-15"


@pytest.fixture
def visits(site):
    for day in (9, 12, 15):
        VisitFactory(site=site, timestamp=datetime(2026, 3, day, 10, tzinfo=UTC), visitor_hash=day)
    return site


def dashboard(client, site, **headers):
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/sites/{site.pk}/stats/?{WEEK}", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_without_accept_language_the_pages_are_english(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Forgot your password?" in page


def test_the_login_page_follows_the_browser_language(client):
    page = client.get("/accounts/login/", headers={"accept-language": "de-DE,de;q=0.9"})
    text = page.content.decode()
    assert '<html lang="de">' in text
    assert "Passwort vergessen?" in text and "Forgot your password?" not in text
    assert page["Content-Language"] == "de"


def test_an_unoffered_language_falls_back_to_english(client):
    page = client.get("/accounts/login/", headers={"accept-language": "ja"}).content.decode()
    assert "Forgot your password?" in page


def test_the_dashboard_in_german_with_german_days(owner_client, visits):
    english = dashboard(owner_client, visits)
    assert "Keyboard shortcuts" in english and "9 Mar 2026 \u2013 15 Mar 2026" in english
    german = dashboard(owner_client, visits, accept_language="de")
    assert '<html lang="de">' in german and "Keyboard shortcuts" not in german
    assert "Eindeutige Besucher" in german and "Seitenaufrufe" in german
    assert "9. März 2026 \u2013 15. März 2026" in german
    assert "Tastenkürzel" in german
    # German nouns keep their capital inside a sentence; the other languages lower it.
    assert "Mehr: Top-Seiten" in german and "More top pages" in english


def test_the_dashboard_in_spanish_and_french_days(owner_client, visits):
    assert "9 mar 2026 \u2013 15 mar 2026" in dashboard(owner_client, visits, accept_language="es")
    assert "9 mars 2026 \u2013 15 mars 2026" in dashboard(
        owner_client, visits, accept_language="fr"
    )


def test_numbers_are_grouped_the_languages_way(owner_client, site):
    VisitFactory.create_batch(1001, site=site, timestamp=datetime(2026, 3, 15, 9, tzinfo=UTC))
    assert ">1,001<" in dashboard(owner_client, site)
    assert ">1.001<" in dashboard(owner_client, site, accept_language="de")


def test_the_account_page_offers_the_languages(owner_client):
    page = owner_client.get("/accounts/").content.decode()
    assert 'name="language"' in page
    for value, name in (
        ("", "Your browser&#x27;s language"),
        ("de", "Deutsch"),
        ("fr", "Français"),
    ):
        assert f'<option value="{value}"' in page and name in page


def test_a_chosen_language_wins_over_the_browser(owner_client, owner, visits):
    response = owner_client.post(
        "/accounts/", {"name": owner.name, "email": owner.email, "language": "fr"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "fr"
    french = dashboard(owner_client, visits, accept_language="de")
    assert '<html lang="fr">' in french
    assert "Visiteurs uniques" in french and "Raccourcis clavier" in french
    assert "Eindeutige Besucher" not in french


def test_choosing_the_browser_language_again(owner_client, owner):
    owner.language = "fr"
    owner.save()
    owner_client.post("/accounts/", {"name": owner.name, "email": owner.email, "language": ""})
    owner.refresh_from_db()
    assert owner.language == ""
    page = owner_client.get("/sites/", headers={"accept-language": "es"}).content.decode()
    assert "Añadir un sitio" in page


def test_an_unknown_language_is_a_form_error(owner_client, owner):
    response = owner_client.post(
        "/accounts/", {"name": owner.name, "email": owner.email, "language": "xx"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    owner.refresh_from_db()
    assert owner.language == ""


def test_a_password_reset_email_is_in_the_accounts_language(client, owner):
    owner.language = "fr"
    owner.save()
    client.post(
        "/accounts/password/reset/", {"email": owner.email}, headers={"accept-language": "de"}
    )
    (message,) = mail.outbox
    assert message.subject == "Choisissez un nouveau mot de passe pour Tracker"
    assert message.body.startswith("Bonjour,")
    assert "ouvrez ce lien" in message.body


def test_a_password_reset_email_without_a_choice_follows_the_browser(client, owner):
    client.post(
        "/accounts/password/reset/", {"email": owner.email}, headers={"accept-language": "de"}
    )
    (message,) = mail.outbox
    assert message.body.startswith("Hallo,")


def test_a_digest_is_in_the_recipients_language(visits, owner):
    owner.language = "de"
    owner.save()
    subscription_create(site=visits, user=owner, frequency="weekly", alerts=False)
    subscription_create(site=visits, email="boss@example.org", frequency="weekly", alerts=False)
    digests_send(now=NOW)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    german, english = bodies[owner.email], bodies["boss@example.org"]
    assert "9. März 2026 \u2013 15. März 2026" in german and "Zeiten in UTC" in german
    assert "Abbestellen (ohne Anmeldung)" in german
    assert "9 Mar 2026 \u2013 15 Mar 2026" in english and "Unsubscribe (no login needed)" in english
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[owner.email] == f"{visits.name}: Ihre Woche vom 9 Mär bis 15 Mär 2026"
    assert subjects["boss@example.org"] == f"{visits.name}: your week from 9 Mar to 15 Mar 2026"


def test_the_api_answers_in_english_whatever_the_browser_asks(client, owner):
    owner.language = "de"
    owner.save()
    refused = client.get("/api/v1/sites/", headers={"accept-language": "de"})
    assert refused.status_code in (401, 403)
    assert "credentials were not provided" in refused.json()["detail"]
    client.force_login(owner)
    signed_in = client.get("/api/v1/sites/", headers={"accept-language": "de"})
    assert signed_in.status_code == 200
    assert refused["Content-Language"] == signed_in["Content-Language"] == "en-us"


def test_an_invitation_email_is_in_the_invited_accounts_language(site, owner, other_owner):
    other_owner.language = "es"
    other_owner.save()
    for email in (other_owner.email, "new@example.net"):
        invitation = invitation_create(
            site=site, email=email, role="viewer", invited_by=owner, now=NOW
        )
        invitation_send(invitation=invitation)
    spanish, english = mail.outbox
    assert spanish.to == [other_owner.email] and spanish.body.startswith("Hola:")
    assert "como lector" in spanish.body and "23 de marzo de 2026, 07:00 UTC" in spanish.body
    assert english.body.startswith("Hello,") and "as a viewer" in english.body
    assert "23 March 2026, 07:00 UTC" in english.body


def test_countries_and_devices_are_named_in_the_pages_language(owner_client, site):
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 12, 10, tzinfo=UTC),
        country_code="DE",
        country="Germany",
        device="mobile",
    )
    with time_machine.travel(NOW, tick=False):
        german = owner_client.get(
            f"/sites/{site.pk}/stats/?{WEEK}&country=DE&device=mobile",
            headers={"accept-language": "de"},
        ).content.decode()
        french = owner_client.get(
            f"/sites/{site.pk}/stats/country/?{WEEK}", headers={"accept-language": "fr"}
        ).content.decode()
    assert "Deutschland" in german and "Mobil<" in german and "Germany" not in german
    assert "Allemagne" in french
    english = dashboard(owner_client, site)
    assert "Germany" in english and "Mobile" in english
