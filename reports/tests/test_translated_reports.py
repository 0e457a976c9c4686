"""Emails to an account follow its language, the subject too; webhook JSON stays English
whatever is active."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import ngettext

from reports.models import Webhook
from reports.payloads import digest_payload
from reports.services import digest_build, subscription_create
from reports.tests.test_reports import MONDAY, send_reports, week_of_visits  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_german_digest_has_a_german_subject(week_of_visits):  # noqa: F811
    owner = week_of_visits.owner
    owner.language = "de"
    owner.save()
    subscription_create(site=week_of_visits, user=owner, frequency="weekly", alerts=False)
    send_reports(MONDAY)  # sent on a schedule, with English active
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert subject.startswith("Blog: Ihre Woche vom 9")
    assert "bis 15" in subject and subject.endswith("2026")


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Blog: no visits for 24 hours"),
        ("de", "Blog: 24 Stunden ohne Besuche"),
        ("fr", "Blog : aucune visite depuis 24 heures"),
        ("es", "Blog: ninguna visita en 24 horas"),
    ],
)
def test_an_alert_subject_in_each_language(week_of_visits, language, subject):  # noqa: F811
    owner = week_of_visits.owner
    owner.language = language
    owner.save()
    subscription_create(site=week_of_visits, user=owner, frequency="none", alerts=True)
    last = datetime(2026, 3, 16, 0, 30, tzinfo=UTC)
    send_reports(last + timedelta(hours=24))
    assert [message.subject for message in mail.outbox] == [subject]


def test_a_webhook_digest_stays_english_in_another_language(week_of_visits):  # noqa: F811
    with translation.override("de"):
        digest = digest_build(
            site=week_of_visits, first_day=date(2026, 3, 9), last_day=date(2026, 3, 15), now=MONDAY
        )
        payload = digest_payload(
            kind=Webhook.Kind.WEBHOOK, digest=digest, dashboard_url="https://x.test/"
        )
    assert [figure["label"] for figure in payload["headline"]][:3] == [
        "Unique visitors",
        "Visits",
        "Pageviews",
    ]
    assert [panel["title"] for panel in payload["panels"]] == [
        "Top pages",
        "Referrers",
        "Countries",
    ]


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_the_spike_alert_counts_hits_with_each_languages_plural(language):
    singular = "%(count)s hit in the last hour, against %(average)s an hour over the week before."
    plural = "%(count)s hits in the last hour, against %(average)s an hour over the week before."
    with translation.override(language):
        one = ngettext(singular, plural, 1) % {"count": 1, "average": "0.5"}
        two = ngettext(singular, plural, 2) % {"count": 2, "average": "0.5"}
    assert one.startswith("1 ") and two.startswith("2 ")
    assert one != two
    assert "hour" not in one
