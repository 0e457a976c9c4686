"""The recorder: one accepted hit made into a visit row, stored directly or through the spool."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from sites.models import Site
from visits.ingest.bulk import VisitRow, props_json, visits_insert
from visits.ingest.campaigns import campaign_from_url
from visits.ingest.geo import Location, geolocator
from visits.ingest.parse import BeaconHit
from visits.ingest.referrers import referrer_fields
from visits.ingest.site_cache import BeaconSite
from visits.ingest.spool_process import process_spool
from visits.ingest.url_parts import url_path
from visits.ingest.visitors import visitor_hash, visitor_salt_for


def visit_record(
    *,
    site: BeaconSite | Site,
    hit: BeaconHit,
    now: datetime | None = None,
    location: Location | None = None,
) -> VisitRow:
    """Store one visit: the address located and hashed, never kept; the agent as parsed.

    Returns the row once it is committed, or durably spooled for a bulk insert within seconds
    (BEACON_WRITE_MODE); its id is not read back. `location` is the address's, when the
    caller has already looked it up.
    """
    now = now or timezone.now()
    # Salted per local day, so a visitor's hash (and so a session) changes only at midnight.
    local_day = now.astimezone(ZoneInfo(site.timezone)).date()
    campaign = campaign_from_url(hit.url)
    row = {
        "site_id": site.pk,
        "timestamp": now,
        "url": hit.url,
        "path": url_path(hit.url),
        "referrer": hit.referrer,
        **referrer_fields(
            referrer=hit.referrer, page_url=hit.url, site_domains=site.domains, campaign=campaign
        ),
        "event": hit.event,
        **hit.agent.visit_fields(),
        **(location or geolocator.locate(hit.client_ip)).visit_fields(),
        "screen": hit.screen,
        "props": props_json(hit.props),
        # As text, exactly as sent: the spool writes JSON, and the column reads it as a decimal.
        "revenue_amount": str(hit.revenue.amount) if hit.revenue else None,
        "revenue_currency": hit.revenue.currency if hit.revenue else "",
        **campaign,
        **hit.metrics,
        "visitor_hash": visitor_hash(
            salt=visitor_salt_for(day=local_day),
            site_id=site.pk,
            local_day=local_day,
            client_ip=hit.client_ip,
            user_agent=hit.user_agent,
        ),
    }
    if settings.BEACON_WRITE_MODE == "spool":
        process_spool().append(row)
    else:
        visits_insert([row])
    return row
