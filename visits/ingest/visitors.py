"""Unique visitors without cookies: a keyed hash of address and agent, salted per local day."""

import hashlib
import secrets
import threading
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from visits.models import VisitorSalt

_salt_cache: dict[date, bytes] = {}
_salt_lock = threading.Lock()


def visitor_salt_for(*, day: date) -> bytes:
    """The salt of a site-local day, made on first use.

    Local days run from a day behind UTC to a day ahead, so three days are in use at once;
    older salts are deleted when a new day's salt is made, by the rule `visitor_salts_expire`
    applies.
    """
    salt = _salt_cache.get(day)
    if salt is not None:
        return salt
    with _salt_lock:
        try:
            with transaction.atomic():
                record, created = VisitorSalt.objects.get_or_create(
                    day=day, defaults={"salt": secrets.token_bytes(32)}
                )
        except IntegrityError:
            record, created = VisitorSalt.objects.get(day=day), False
        salt = bytes(record.salt)
        if created:
            # Never the day just asked for, even from a clock behind the others.
            _salts_delete_before(min(_oldest_in_use(timezone.now().date()), day))
        _salt_cache[day] = salt
    return salt


def visitor_salts_expire(*, today: date | None = None) -> int:
    """Delete the salts of days no site is in any more (older than yesterday in UTC), with or
    without traffic; the spool's flusher, start-up and `purge_visits` call it. Returns how many."""
    with _salt_lock:
        return _salts_delete_before(_oldest_in_use(today or timezone.now().date()))


def _oldest_in_use(today: date) -> date:
    return today - timedelta(days=1)  # the site furthest behind UTC is a day behind


def _salts_delete_before(oldest: date) -> int:
    # Called with _salt_lock held.
    deleted, _ = VisitorSalt.objects.filter(day__lt=oldest).delete()
    for old in [cached for cached in _salt_cache if cached < oldest]:
        del _salt_cache[old]
    return deleted


def visitor_hash(
    *, salt: bytes, site_id: int, local_day: date, client_ip: str | None, user_agent: str
) -> int:
    """A signed 64-bit keyed hash: stable for one visitor on one site for one day.

    The site's local day is part of it, so one hash never spans two days of the site's reports
    and a period's unique visitors are exactly the sum of its days'.
    """
    message = f"{site_id}\n{local_day.isoformat()}\n{client_ip or ''}\n{user_agent}".encode()
    digest = hashlib.blake2b(message, key=salt, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
