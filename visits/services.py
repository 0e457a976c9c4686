"""Writes for visits: recording a beacon hit, and the daily visitor salt behind unique counts."""

import hashlib
import secrets
import threading
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sites.models import Site
from visits.agents import agent_parse
from visits.beacon import BeaconHit, clean_text
from visits.campaigns import campaign_from_url
from visits.geo import geolocator
from visits.ingest import visit_row, visits_insert
from visits.models import DailyRollup, Visit, VisitorSalt
from visits.site_cache import BeaconSite
from visits.spool import process_spool
from visits.urls_parts import referrer_domain, url_path

_salt_cache: dict[date, bytes] = {}
_salt_lock = threading.Lock()


def visitor_salt_for(*, day: date) -> bytes:
    """The salt of a site-local day, made on first use.

    Local days run from a day behind UTC to a day ahead, so three days are in use at once;
    older salts are deleted when a new day's salt is made.
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
        if created:
            VisitorSalt.objects.filter(day__lt=day - timedelta(days=2)).delete()
        salt = bytes(record.salt)
        for old in [cached for cached in _salt_cache if cached < day - timedelta(days=2)]:
            del _salt_cache[old]
        _salt_cache[day] = salt
    return salt


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


def visit_record(*, site: BeaconSite | Site, hit: BeaconHit, now: datetime | None = None) -> Visit:
    """Store one visit: the agent parsed, the address located and hashed, never kept.

    Returns once the visit is committed, or durably spooled for a bulk insert within seconds
    (BEACON_WRITE_MODE); its id is not read back.
    """
    now = now or timezone.now()
    agent = agent_parse(hit.user_agent)
    location = geolocator.locate(hit.client_ip)
    # Salted per local day, so a visitor's hash (and so a session) changes only at midnight.
    local_day = now.astimezone(ZoneInfo(site.timezone)).date()
    salt = visitor_salt_for(day=local_day)
    visit = Visit(
        site_id=site.pk,
        timestamp=now,
        url=hit.url,
        path=url_path(hit.url),
        referrer=hit.referrer,
        referrer_domain=referrer_domain(referrer=hit.referrer, page_url=hit.url),
        event=hit.event,
        **agent.visit_fields(),
        **location.visit_fields(),
        screen=hit.screen,
        props=hit.props,
        **campaign_from_url(hit.url, clean=clean_text),
        visitor_hash=visitor_hash(
            salt=salt,
            site_id=site.pk,
            local_day=local_day,
            client_ip=hit.client_ip,
            user_agent=hit.user_agent,
        ),
    )
    row = visit_row(visit)
    if settings.BEACON_WRITE_MODE == "spool":
        process_spool().append(row)
    else:
        visits_insert([row])
    return visit


@transaction.atomic
def visits_delete(*, visits: QuerySet[Visit]) -> int:
    """Delete some visits and drop the rollups of the days they fell on, to be rebuilt."""
    days_by_site: dict[int, set[date]] = defaultdict(set)
    for site_id, site_timezone, timestamp in visits.values_list(
        "site_id", "site__timezone", "timestamp"
    ).iterator(chunk_size=5000):
        days_by_site[site_id].add(timestamp.astimezone(ZoneInfo(site_timezone)).date())
    deleted, _ = visits.delete()
    for site_id, days in days_by_site.items():
        DailyRollup.objects.filter(site_id=site_id, day__in=days).delete()
    return deleted
