"""The few facts the beacon needs about a site, kept in process memory for a short while.

Every page view of every site reaches the beacon, so it should not ask the database who the site
is each time. Entries live `TTL` seconds; the process that changes a site forgets its entry at
once, other processes within the TTL. Unknown ids are remembered too, so random ids can't make
the beacon query the database; the cache is bounded.
"""

import threading
import time
from dataclasses import dataclass

from sites.models import Site
from sites.shields import NO_SHIELDS, SHIELD_FIELDS, Shields

TTL = 30.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class BeaconSite:
    pk: int
    timezone: str
    domains: tuple[str, ...]
    allow_localhost: bool
    shields: Shields = NO_SHIELDS  # parsed once per entry, not per hit


_entries: dict[int, tuple[float, BeaconSite | None]] = {}
_lock = threading.Lock()


def beacon_site(*, site_id: int) -> BeaconSite | None:
    """The site with this id, or None when there is none."""
    now = time.monotonic()
    entry = _entries.get(site_id)
    if entry is not None and entry[0] > now:
        return entry[1]
    found = (
        Site.objects.filter(pk=site_id)
        .only("pk", "timezone", "base_url", "extra_domains", "allow_localhost", *SHIELD_FIELDS)
        .first()
    )
    site = None
    if found is not None:
        site = BeaconSite(
            found.pk, found.timezone, found.domains, found.allow_localhost, found.shields
        )
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[site_id] = (now + TTL, site)
    return site


def beacon_site_forget(*, site_id: int | None = None) -> None:
    """Drop one site's entry (after it changed or went), or all of them."""
    with _lock:
        if site_id is None:
            _entries.clear()
        else:
            _entries.pop(site_id, None)
