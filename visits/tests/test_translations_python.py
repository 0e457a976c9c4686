"""The dashboard's words that come from Python follow the active language, while the API and
the beacon keep answering in English."""

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import ngettext

from visits.stats.dimensions import FILTER_LABELS, PANELS
from visits.stats.headline import LOWER_IS_BETTER, duration_label, headline_figures
from visits.stats.periods import PERIODS, PeriodError, period_from_params
from visits.stats.words import in_sentence

PANEL_TITLES = {panel.name: panel.panel for panel in PANELS}


@pytest.mark.parametrize(
    ("language", "period", "panel", "chip"),
    [
        ("en", "Last 30 days", "Top pages", "Term"),
        ("de", "Letzte 30 Tage", "Top-Seiten", "Suchbegriff"),
        ("fr", "30 derniers jours", "Pages principales", "Terme"),
        ("es", "Últimos 30 días", "Páginas principales", "Término"),
    ],
)
def test_period_names_panel_titles_and_chips_follow_the_language(language, period, panel, chip):
    with translation.override(language):
        assert str(PERIODS["30d"]) == period
        assert str(PANEL_TITLES["page"]) == panel
        assert str(FILTER_LABELS["term"]) == chip


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 visitor", "2 visitors"),
        ("de", "1 Besucher", "2 Besucher"),
        ("fr", "1 visiteur", "2 visiteurs"),
        ("es", "1 visitante", "2 visitantes"),
    ],
)
def test_visitor_counts_take_the_plural_of_each_language(language, one, two):
    with translation.override(language):
        forms = [
            ngettext("%(count)s visitor", "%(count)s visitors", n) % {"count": n} for n in (1, 2)
        ]
    assert forms == [one, two]


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("de", "1 Seitenaufruf", "2 Seitenaufrufe"),
        ("fr", "1 page vue", "2 pages vues"),
        ("es", "1 página vista", "2 páginas vistas"),
    ],
)
def test_pageview_counts_take_the_plural_of_each_language(language, one, two):
    with translation.override(language):
        forms = [
            ngettext("%(count)s pageview", "%(count)s pageviews", n) % {"count": n} for n in (1, 2)
        ]
    assert forms == [one, two]


def test_a_period_error_is_in_the_active_language():
    with translation.override("de"), pytest.raises(PeriodError) as error:
        period_from_params(
            {"period": "custom", "from": "2026-03-10", "to": "2026-03-01"},
            tz_name="UTC",
            now=timezone.now(),
        )
    assert str(error.value) == "Der Zeitraum endet, bevor er beginnt."


def test_the_headline_still_knows_its_rates_in_another_language():
    from visits.stats.totals import Totals

    with translation.override("fr"):
        labels = [str(label) for label, *_rest in headline_figures(Totals(), Totals())]
        assert "Taux de rebond" in labels
        assert [label for label in labels if label in LOWER_IS_BETTER] == ["Taux de rebond"]


@pytest.mark.parametrize(
    ("language", "seconds", "minutes", "hours"),
    [
        ("en", "45s", "9m 18s", "1h 5m"),
        ("de", "45 Sek.", "9 Min. 18 Sek.", "1 Std. 5 Min."),
        ("fr", "45 s", "9 min 18 s", "1 h 5 min"),
        ("es", "45 s", "9 min 18 s", "1 h 5 min"),
    ],
)
def test_durations_are_written_with_the_languages_units(language, seconds, minutes, hours):
    with translation.override(language):
        assert [duration_label(45), duration_label(558), duration_label(3900)] == [
            seconds,
            minutes,
            hours,
        ]


def test_titles_keep_german_nouns_capitalised_and_lower_the_others():
    with translation.override("de"):
        assert in_sentence(PERIODS["30d"]) == "Letzte 30 Tage"
    with translation.override("fr"):
        assert in_sentence(PERIODS["30d"]) == "30 derniers jours"
    with translation.override("en"):
        assert in_sentence(PERIODS["month"]) == "this month"


def test_the_dashboard_shows_its_python_words_in_german(owner_client, site, send):
    send(data={"url": "https://blog.example.com/"})
    page = owner_client.get(
        f"/sites/{site.pk}/stats/", {"period": "30d"}, headers={"accept-language": "de"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Letzte 30 Tage" in text
    assert "Top pages" not in text


def test_the_dashboard_stays_english_by_default(owner_client, site, send):
    send(data={"url": "https://blog.example.com/"})
    page = owner_client.get(f"/sites/{site.pk}/stats/", {"period": "30d"})
    assert "Last 30 days" in page.content.decode()


@pytest.fixture
def api_client(owner):
    from rest_framework.test import APIClient

    from api.models import SCOPES
    from api.services import token_create

    client = APIClient()
    token = token_create(owner=owner, name="script", scopes=SCOPES)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_api_answers_in_english_whatever_the_browser_asks(api_client, site):
    # Even with German active (as a browser's Accept-Language makes it), the JSON is English.
    with translation.override("de"):
        response = api_client.get(
            f"/api/v1/sites/{site.pk}/stats/",
            {"period": "custom", "from": "2026-03-10", "to": "2026-03-01"},
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 400
    assert response.json()["period"] == ["The range ends before it starts."]
    assert response.headers["Content-Language"] == settings.LANGUAGE_CODE == "en-us"


def test_the_api_keeps_validation_errors_in_english(api_client, site):
    with translation.override("de"):
        response = api_client.post(
            f"/api/v1/sites/{site.pk}/goals/",
            {"name": "Thanks", "kind": "page", "value": "thanks"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 400
    assert "A page goal is a path starting with /" in response.content.decode()


def test_the_api_breakdown_labels_stay_english(api_client, site, send):
    send(data={"url": "https://blog.example.com/"})
    with translation.override("es"):
        response = api_client.get(
            f"/api/v1/sites/{site.pk}/breakdown/",
            {"dimension": "country", "period": "day"},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert response.status_code == 200
    assert "Unknown" in response.content.decode()
    assert "Desconocido" not in response.content.decode()


def test_the_beacon_error_stays_english(client, site):
    with translation.override("de"):
        response = client.post(
            f"/sites/{site.pk}/visit", "{not json", content_type="application/json"
        )
    assert response.status_code == 400
    assert response.json()["error"].isascii()
