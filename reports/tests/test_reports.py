"""Digests with exact figures, alerts that fire once, and unsubscribing without a login."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from reports.models import SentAlert, Subscription
from reports.services import digest_period, subscription_create
from sites.services import goal_create
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)  # Monday 16 March 2026


def send_reports(now):
    with time_machine.travel(now, tick=False):
        call_command("send_reports", stdout=None)


@pytest.fixture
def week_of_visits(site):
    """The week of 9 to 15 March: 3 visitors, 4 pageviews; the week before: 1 pageview."""
    url = "https://blog.example.com"
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 9, 10, tzinfo=UTC),
        url=url + "/",
        visitor_hash=1,
        referrer="https://news.ycombinator.com/",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 9, 10, 5, tzinfo=UTC),
        url=url + "/pricing",
        visitor_hash=1,
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 12, 10, tzinfo=UTC),
        url=url + "/",
        visitor_hash=2,
        country_code="FR",
        country="France",
    )
    VisitFactory(
        site=site,
        timestamp=datetime(2026, 3, 15, 23, 59, tzinfo=UTC),
        url=url + "/",
        visitor_hash=3,
    )
    VisitFactory(
        site=site, timestamp=datetime(2026, 3, 4, 10, tzinfo=UTC), url=url + "/", visitor_hash=4
    )
    # Outside both weeks: not counted.
    VisitFactory(site=site, timestamp=datetime(2026, 3, 16, 0, 30, tzinfo=UTC), url=url + "/x")
    return site  # fmt: skip


def test_periods():
    assert digest_period(frequency="weekly", today=date(2026, 3, 16)) == (
        date(2026, 3, 9),
        date(2026, 3, 15),
    )
    assert digest_period(frequency="weekly", today=date(2026, 3, 22)) == (
        date(2026, 3, 9),
        date(2026, 3, 15),
    )
    assert digest_period(frequency="monthly", today=date(2026, 3, 1)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert digest_period(frequency="none", today=date(2026, 3, 1)) is None


def test_weekly_digest_has_exact_figures_and_goes_once(week_of_visits, settings):
    settings.PUBLIC_URL = "https://stats.example.com"
    subscription = subscription_create(
        site=week_of_visits, email="Boss@Example.com", frequency="weekly", alerts=False
    )
    send_reports(MONDAY)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@example.com"]
    assert message.subject == "Blog: your week from 9 Mar to 15 Mar 2026"
    body = message.body
    assert "Unique visitors: 3 (+200% on the period before)" in body
    assert "Visits: 3 (+200% on the period before)" in body
    assert "Pageviews: 4 (+300% on the period before)" in body
    assert "Bounce rate: 67%" in body
    assert "Visit duration: 1m 40s" in body  # 300 s over 3 visits
    assert "  /: 3 visitors, 3 pageviews" in body and "  /pricing: 1 visitor, 1 pageview" in body
    assert "  news.ycombinator.com: 1 visitor, 1 pageview" in body
    assert "  France: 1 visitor, 1 pageview" in body
    assert "  /x:" not in body  # the 16th is outside the week
    unsubscribe = f"https://stats.example.com/reports/unsubscribe/{subscription.token}/"
    assert unsubscribe in body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert f"https://stats.example.com/sites/{week_of_visits.pk}/stats/" in body

    send_reports(MONDAY + timedelta(hours=1))
    send_reports(MONDAY + timedelta(days=3))
    assert len(mail.outbox) == 1  # the same week is never sent twice
    send_reports(MONDAY + timedelta(days=7))
    assert len(mail.outbox) == 2
    assert "16 Mar to 22 Mar" in mail.outbox[1].subject


def test_monthly_and_alert_only_subscriptions(week_of_visits):
    subscription_create(
        site=week_of_visits, email="m@example.com", frequency="monthly", alerts=False
    )
    subscription_create(site=week_of_visits, email="a@example.com", frequency="none", alerts=False)
    send_reports(datetime(2026, 4, 1, 6, tzinfo=UTC))
    assert [m.to for m in mail.outbox] == [["m@example.com"]]
    assert "Pageviews: 6" in mail.outbox[0].body  # all of March's


def test_no_visits_alert_fires_once_per_silence(week_of_visits):
    subscription_create(site=week_of_visits, email="ops@example.com", frequency="none", alerts=True)
    last = datetime(2026, 3, 16, 0, 30, tzinfo=UTC)
    send_reports(last + timedelta(hours=23))
    assert mail.outbox == []
    send_reports(last + timedelta(hours=24))
    send_reports(last + timedelta(hours=25))
    send_reports(last + timedelta(days=3))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Blog: no visits for 24 hours"
    assert "No visits since 2026-03-16 00:30 UTC" in mail.outbox[0].body
    # Visits come back, then stop again: a new silence, a new alert.
    VisitFactory(site=week_of_visits, timestamp=datetime(2026, 3, 20, 9, tzinfo=UTC))
    send_reports(datetime(2026, 3, 21, 10, tzinfo=UTC))
    assert len(mail.outbox) == 2
    assert SentAlert.objects.filter(kind="no_visits").count() == 2


def test_spike_alert_fires_once_per_hour(site):
    subscription_create(site=site, email="ops@example.com", frequency="none", alerts=True)
    now = datetime(2026, 3, 16, 12, 40, tzinfo=UTC)
    for hour in range(0, 7 * 24, 6):  # a quiet week: 4 hits a day
        VisitFactory(site=site, timestamp=now - timedelta(hours=hour + 2))
    for minute in range(60):
        VisitFactory(site=site, timestamp=now - timedelta(minutes=minute, seconds=30))
    send_reports(now)
    send_reports(now + timedelta(minutes=10))
    assert [m.subject for m in mail.outbox] == ["Blog: traffic spike"]
    assert "60 hits in the last hour" in mail.outbox[0].body


def test_a_quiet_site_gets_no_spike_alert(site):
    subscription_create(site=site, email="ops@example.com", frequency="none", alerts=True)
    now = datetime(2026, 3, 16, 12, 40, tzinfo=UTC)
    for minute in range(40):  # busy but under the minimum
        VisitFactory(site=site, timestamp=now - timedelta(minutes=minute))
    send_reports(now)
    assert mail.outbox == []


def test_failed_sends_are_reported_and_tried_again(week_of_visits):
    subscription_create(
        site=week_of_visits, email="boss@example.com", frequency="weekly", alerts=True
    )
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server down")),
        pytest.raises(CommandError, match="1 digests and 1 alerts could not be sent"),
    ):
        send_reports(MONDAY + timedelta(days=2))  # the digest and a no-visits alert are due
    assert not SentAlert.objects.exists()
    send_reports(MONDAY + timedelta(days=2, hours=1))
    assert sorted(m.subject for m in mail.outbox) == [
        "Blog: no visits for 24 hours",
        "Blog: your week from 9 Mar to 15 Mar 2026",
    ]


def test_unsubscribe_works_without_login_and_only_on_post(week_of_visits):
    subscription = subscription_create(
        site=week_of_visits, email="boss@example.com", frequency="weekly", alerts=True
    )
    url = f"/reports/unsubscribe/{subscription.token}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and b"Stop sending emails about" in page.content
    assert Subscription.objects.exists()  # a link scanner's GET changes nothing
    done = client.post(url)  # one-click, as mail clients send it: no cookie, no CSRF token
    assert done.status_code == 200 and b"will get no more emails" in done.content
    assert not Subscription.objects.exists()
    assert client.post(url).status_code == 404
    send_reports(MONDAY)
    assert mail.outbox == []


def test_owner_manages_recipients(owner_client, site, other_site):
    url = f"/sites/{site.pk}/reports/"
    assert owner_client.get(url).status_code == 200
    added = owner_client.post(
        url, {"email": "team@example.com", "frequency": "weekly", "alerts": "on"}
    )
    assert added.status_code == 302
    again = owner_client.post(url, {"email": "team@example.com", "frequency": "monthly"})
    assert again.status_code == 400  # one subscription per address and site
    bad = owner_client.post(url, {"email": "not an email", "frequency": "weekly"})
    assert bad.status_code == 400 and "email" in bad.context["form"].errors
    subscription = Subscription.objects.get()
    assert (subscription.frequency, subscription.alerts) == ("weekly", True)
    assert owner_client.get(f"/sites/{other_site.pk}/reports/").status_code == 404
    other = subscription_create(
        site=other_site, email="x@example.com", frequency="weekly", alerts=True
    )
    assert owner_client.post(f"/sites/{site.pk}/reports/{other.pk}/delete/").status_code == 404
    assert (
        owner_client.post(f"/sites/{site.pk}/reports/{subscription.pk}/delete/").status_code == 302
    )
    assert list(Subscription.objects.all()) == [other]


def test_a_digest_gives_each_goals_conversions(week_of_visits):
    goal_create(site=week_of_visits, name="Saw pricing", kind="page", value="/pricing")
    goal_create(site=week_of_visits, name="Signed up", kind="event", value="signup")
    subscription_create(
        site=week_of_visits, email="boss@example.com", frequency="weekly", alerts=False
    )
    send_reports(MONDAY)
    body = mail.outbox[0].body
    # One of the week's 3 visitors saw /pricing (33.3%); nobody signed up.
    assert "Goals:\n  Saw pricing: 1 visitor converted (33.3%), 1 time\n" in body
    assert "  Signed up: 0 visitors converted (0.0%), 0 times\n" in body


def test_a_digest_of_a_site_without_goals_has_no_goals_section(week_of_visits):
    subscription_create(
        site=week_of_visits, email="boss@example.com", frequency="weekly", alerts=False
    )
    send_reports(MONDAY)
    assert "Goals:" not in mail.outbox[0].body
