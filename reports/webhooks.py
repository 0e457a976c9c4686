"""Digests and alerts to Slack or any webhook: signed JSON, tried again with a backoff, and the
last delivery recorded on the endpoint.

Each body is signed with the endpoint's own secret: `X-Tracker-Signature: sha256=<hex>`, the
HMAC-SHA256 of the raw body. The URL must be http(s) and, unless `WEBHOOK_ALLOW_PRIVATE`, resolve
only to public addresses, checked when it is saved and again before each delivery; redirects
are not followed, so a public URL can't bounce a delivery into the private network.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Webhook
from sites.models import Site

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Tracker-Signature"
TIMEOUT_SECONDS = 10
USER_AGENT = "Tracker-Webhook/1"


def webhook_sign(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_url_check(url: str) -> None:
    """Refuse what isn't http(s), and (unless allowed) hosts with a private, loopback,
    link-local or otherwise non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Use an http:// or https:// address.")})
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError) as error:
        raise ValidationError({"url": _("This host name can't be found.")}) from error
    for *_details, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                {"url": _("This address is on a private network; webhooks go to the internet.")}
            )


def webhook_create(*, site: Site, kind: str, url: str, frequency: str, alerts: bool) -> Webhook:
    webhook_url_check(url)
    webhook = Webhook(
        site=site,
        kind=kind,
        url=url,
        frequency=frequency,
        alerts=alerts,
        secret=secrets.token_hex(32),
    )
    webhook.full_clean()
    webhook.save()
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()


def _attempt(webhook: Webhook, body: bytes) -> tuple[int | None, str]:
    """One try: (HTTP status or None, error text or "")."""
    try:
        webhook_url_check(webhook.url)
        response = requests.post(
            webhook.url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                SIGNATURE_HEADER: webhook_sign(secret=webhook.secret, body=body),
            },
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except ValidationError as error:
        return None, "; ".join(error.messages)
    except requests.RequestException as error:
        return None, type(error).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"answered {response.status_code}"


def webhook_deliver(*, webhook: Webhook, payload: dict) -> bool:
    """Post the payload, trying again after each of `WEBHOOK_RETRY_DELAYS` seconds while it
    fails; record the outcome on the endpoint and return whether it was delivered."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    delays = list(settings.WEBHOOK_RETRY_DELAYS)
    attempts = 0
    while True:
        attempts += 1
        code, error = _attempt(webhook, body)
        if not error or not delays:
            break
        time.sleep(delays.pop(0))
    webhook.last_status = Webhook.Status.FAILED if error else Webhook.Status.DELIVERED
    webhook.last_response_code = code
    webhook.last_error = error[:200]
    webhook.last_attempts = attempts
    webhook.last_delivery_at = timezone.now()
    webhook.save(
        update_fields=[
            "last_status",
            "last_response_code",
            "last_error",
            "last_attempts",
            "last_delivery_at",
        ]
    )
    if error:
        logger.warning("Webhook %s not delivered after %s tries: %s", webhook.pk, attempts, error)
    return not error
