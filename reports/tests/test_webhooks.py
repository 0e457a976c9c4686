"""Digests and alerts to webhooks and Slack, delivered to a real HTTP receiver on 127.0.0.1 that
checks the signature; retries, recorded failures, refused addresses, and the page and admin."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reports.models import SentAlert, Webhook
from reports.webhooks import webhook_create, webhook_deliver, webhook_url_check
from sites.services import goal_create
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)


class Receiver:
    """An HTTP endpoint that answers the given statuses in turn (the last one from then on) and
    keeps each request whose signature matches the secret; a wrong one is answered 401."""

    def __init__(self, statuses):
        self.statuses, self.secret = list(statuses), ""
        self.received, self.bad_signatures = [], 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = (
                    "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                if not hmac.compare_digest(self.headers.get("X-Tracker-Signature", ""), expected):
                    receiver.bad_signatures += 1
                    status = 401
                else:
                    receiver.received.append(
                        {"headers": dict(self.headers), "json": json.loads(body)}
                    )
                    status = (
                        receiver.statuses.pop(0)
                        if len(receiver.statuses) > 1
                        else (receiver.statuses[0])
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def start(*statuses):
        made.append(Receiver(statuses or [200]))
        return made[-1]

    yield start
    for one in made:
        one.close()


def hook(site, receiver_, **fields):
    webhook = webhook_create(
        site=site,
        kind=fields.get("kind", "webhook"),
        url=receiver_.url,
        frequency=fields.get("frequency", "weekly"),
        alerts=fields.get("alerts", False),
    )
    receiver_.secret = webhook.secret
    return webhook


def send_reports(now):
    with time_machine.travel(now, tick=False):
        call_command("send_reports", stdout=None)


@pytest.fixture
def week_of_visits(site):
    """9 to 15 March: 3 visitors, 4 pageviews; the week before: 1 pageview."""
    url = "https://blog.example.com"
    for day, hour, path, visitor in [(9, 10, "/", 1), (9, 11, "/pricing", 1), (12, 10, "/", 2),
                                     (15, 23, "/", 3), (4, 10, "/", 4)]:  # fmt: skip
        VisitFactory(
            site=site,
            timestamp=datetime(2026, 3, day, hour, tzinfo=UTC),
            url=url + path,
            visitor_hash=visitor,
        )
    return site


def test_digest_goes_to_a_webhook_signed_with_exact_figures(week_of_visits, receiver, settings):
    settings.PUBLIC_URL = "https://stats.example.com"
    endpoint = receiver(200)
    webhook = hook(week_of_visits, endpoint)
    assert len(webhook.secret) == 64
    send_reports(MONDAY)
    assert endpoint.bad_signatures == 0 and len(endpoint.received) == 1
    request = endpoint.received[0]
    assert request["headers"]["Content-Type"] == "application/json"
    body = request["json"]
    assert body["event"] == "digest"
    assert body["site"] == {
        "id": week_of_visits.pk,
        "name": "Blog",
        "base_url": "https://blog.example.com",
    }
    assert (body["first_day"], body["last_day"]) == ("2026-03-09", "2026-03-15")
    headline = {row["label"]: (row["value"], row["change"]) for row in body["headline"]}
    assert headline["Unique visitors"] == (3, 200)
    assert headline["Pageviews"] == (4, 300)
    pages = body["panels"][0]
    assert pages["title"] == "Top pages"
    assert pages["rows"] == [
        {"label": "/", "visitors": 3, "count": 3},
        {"label": "/pricing", "visitors": 1, "count": 1},
    ]
    assert body["dashboard_url"] == f"https://stats.example.com/sites/{week_of_visits.pk}/stats/"
    assert "Unique visitors: 3 (+200%)" in body["text"]
    assert body["goals"] == []

    webhook.refresh_from_db()
    assert webhook.last_status == "delivered" and webhook.last_response_code == 200
    assert webhook.last_attempts == 1 and webhook.last_delivery_at == MONDAY
    send_reports(MONDAY + timedelta(hours=1))
    assert len(endpoint.received) == 1  # the same week goes once


def test_slack_gets_text_only(week_of_visits, receiver):
    endpoint = receiver(200)
    hook(week_of_visits, endpoint, kind="slack")
    send_reports(MONDAY)
    (request,) = endpoint.received
    assert list(request["json"]) == ["text"]
    assert request["json"]["text"].startswith("*Blog*: 9 Mar to 15 Mar 2026\n")


def test_alert_goes_to_webhooks_once(week_of_visits, receiver):
    endpoint = receiver(200)
    webhook = hook(week_of_visits, endpoint, frequency="none", alerts=True)
    last = datetime(2026, 3, 15, 23, tzinfo=UTC)
    send_reports(last + timedelta(hours=23))
    assert endpoint.received == []
    send_reports(last + timedelta(hours=24))
    send_reports(last + timedelta(hours=25))
    (request,) = endpoint.received
    body = request["json"]
    assert body["event"] == "alert" and body["alert"] == "no_visits"
    assert body["message"].startswith("No visits since 2026-03-15 23:00 UTC")
    assert body["site"]["id"] == week_of_visits.pk
    webhook.refresh_from_db()
    assert webhook.last_status == "delivered"


def test_failures_are_retried_with_backoff(site, receiver, settings, monkeypatch):
    settings.WEBHOOK_RETRY_DELAYS = [1, 4]
    waits = []
    monkeypatch.setattr("reports.webhooks.time.sleep", waits.append)
    endpoint = receiver(500, 500, 200)
    webhook = hook(site, endpoint)
    assert webhook_deliver(webhook=webhook, payload={"event": "test"})
    assert waits == [1, 4]
    assert len(endpoint.received) == 3 and endpoint.bad_signatures == 0
    webhook.refresh_from_db()
    assert (webhook.last_status, webhook.last_response_code, webhook.last_attempts) == (
        "delivered",
        200,
        3,
    )
    assert webhook.last_error == ""


def test_a_failing_endpoint_is_recorded_and_the_digest_tried_next_run(week_of_visits, receiver):
    endpoint = receiver(503)
    webhook = hook(week_of_visits, endpoint, alerts=True)
    with pytest.raises(CommandError, match="1 digests and 1 alerts could not be sent"):
        send_reports(MONDAY + timedelta(days=2))
    assert len(endpoint.received) == 6  # three tries each
    webhook.refresh_from_db()
    assert webhook.last_status == "failed" and webhook.last_response_code == 503
    assert webhook.last_error == "answered 503" and webhook.last_attempts == 3
    assert webhook.last_period_sent is None
    assert not SentAlert.objects.exists()  # nobody heard of it: tried again

    endpoint.statuses = [200]
    send_reports(MONDAY + timedelta(days=2, hours=1))
    assert sorted(r["json"]["event"] for r in endpoint.received[6:]) == ["alert", "digest"]
    webhook.refresh_from_db()
    assert webhook.last_status == "delivered"


def test_an_unreachable_endpoint_is_a_recorded_failure(site, receiver):
    endpoint = receiver(200)
    webhook = hook(site, endpoint)
    endpoint.close()
    assert not webhook_deliver(webhook=webhook, payload={"event": "test"})
    webhook.refresh_from_db()
    assert webhook.last_status == "failed" and webhook.last_response_code is None
    assert webhook.last_error == "ConnectionError"


def test_a_redirect_is_not_followed(site, receiver):
    endpoint = receiver(302)
    webhook = hook(site, endpoint)
    assert not webhook_deliver(webhook=webhook, payload={"event": "test"})
    webhook.refresh_from_db()
    assert webhook.last_error == "answered 302"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_and_odd_addresses_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        webhook_url_check(url)


def test_a_public_address_is_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    webhook_url_check("https://93.184.215.14/hook")


def test_a_url_turned_private_is_not_called(site, receiver, settings):
    endpoint = receiver(200)
    webhook = hook(site, endpoint)
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert not webhook_deliver(webhook=webhook, payload={"event": "test"})
    assert endpoint.received == []
    webhook.refresh_from_db()
    assert webhook.last_status == "failed" and "private network" in webhook.last_error


# --- the page and the admin --------------------------------------------------------------


def test_manager_adds_tests_and_removes_an_endpoint(owner_client, site, receiver):
    endpoint = receiver(200)
    response = owner_client.post(
        f"/sites/{site.pk}/webhooks/",
        {"kind": "webhook", "url": endpoint.url, "frequency": "weekly", "alerts": "on"},
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    endpoint.secret = webhook.secret
    page = owner_client.get(f"/sites/{site.pk}/webhooks/").content.decode()
    assert endpoint.url in page and webhook.secret in page and "not yet" in page

    owner_client.post(f"/sites/{site.pk}/webhooks/{webhook.pk}/test/")
    assert endpoint.received[0]["json"]["event"] == "test"
    page = owner_client.get(f"/sites/{site.pk}/webhooks/").content.decode()
    assert "delivered" in page and "answer 200" in page

    owner_client.post(f"/sites/{site.pk}/webhooks/{webhook.pk}/delete/")
    assert not Webhook.objects.exists()


def test_the_page_refuses_bad_urls(owner_client, site, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1/hook", "ftp://example.com/x"):
        response = owner_client.post(
            f"/sites/{site.pk}/webhooks/", {"kind": "slack", "url": url, "frequency": "none"}
        )
        assert response.status_code == 400
    assert not Webhook.objects.exists()


def test_viewers_and_strangers_cannot_see_endpoints(client, site, other_owner, receiver):
    from accounts.services import user_register
    from sites.models import Membership

    webhook = hook(site, receiver(200))
    viewer = user_register(email="viewer@example.net", password="a long enough passphrase 42")
    Membership.objects.create(site=site, user=viewer, role="viewer")
    for user, status in ((viewer, 403), (other_owner, 404)):
        client.force_login(user)
        assert client.get(f"/sites/{site.pk}/webhooks/").status_code == status
        delete = client.post(f"/sites/{site.pk}/webhooks/{webhook.pk}/delete/")
        assert delete.status_code == status
    assert Webhook.objects.exists()


def test_admin_shows_the_last_delivery_and_makes_a_secret(owner_client, site, other_site):
    theirs = Webhook.objects.create(site=other_site, url="https://theirs.example/", secret="x")
    response = owner_client.post(
        "/admin/reports/webhook/add/",
        {"site": site.pk, "kind": "slack", "url": "https://hooks.example/x", "frequency": "none"},
    )
    assert response.status_code == 302
    mine = Webhook.objects.get(site=site)
    assert len(mine.secret) == 64
    mine.last_status, mine.last_response_code = "failed", 500
    mine.save()
    listing = owner_client.get("/admin/reports/webhook/").content.decode()
    assert "hooks.example" in listing and "failed" in listing and "theirs" not in listing
    assert owner_client.get(f"/admin/reports/webhook/{theirs.pk}/change/").status_code == 404


def test_a_digest_webhook_carries_the_goals_conversions(week_of_visits, receiver):
    goal_create(site=week_of_visits, name="Saw pricing", kind="page", value="/pricing")
    endpoint = receiver(200)
    hook(week_of_visits, endpoint)
    send_reports(MONDAY)
    body = endpoint.received[0]["json"]
    assert body["goals"] == [{"name": "Saw pricing", "visitors": 1, "completions": 1, "rate": 33.3}]
    assert "Goals: Saw pricing 1 (33.3%)" in body["text"]
