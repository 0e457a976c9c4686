"""Storing imported visits: in batches, each row once, with the days it touched rebuilt.

A row's `import_key` is unique per site, so a second run of the same file finds every row
already there and stores nothing; an interrupted run can simply be run again.
"""

import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from sites.models import Site
from visits.importers.hits import ImportedHit, Skipped
from visits.ingest.bulk import IMPORT_COLUMNS, statistics_refresh, visit_row, visits_insert
from visits.ingest.campaigns import CAMPAIGN_FIELDS, CAMPAIGN_MAX_LENGTH, campaign_from_url
from visits.ingest.channels import channel_for
from visits.ingest.engagement import metrics_clean
from visits.ingest.names import browser_name, device_name, os_name
from visits.ingest.parse import BeaconError, page_url
from visits.ingest.props import PropertyError, props_clean
from visits.ingest.referrers import INTERNAL, SOURCE_MAX_LENGTH, referrer_fields
from visits.ingest.revenue import RevenueError, revenue_clean
from visits.ingest.url_parts import url_path
from visits.ingest.visitors import visitor_hash
from visits.models import EVENT_MAX_LENGTH, PAGEVIEW, URL_MAX_LENGTH, Visit
from visits.stats.rollups import rollup_forget
from visits.stats.sessions import SESSION_GAP
from visits.text import clean_text

KEY_LOOKUP_CHUNK = 500
STATISTICS_AFTER = 10_000  # visits imported at once that change what the planner should know
FUTURE_MARGIN = timedelta(days=1)
VISITORS_HELD = 200_000  # visitors whose last hit is remembered before old ones are let go


@dataclass
class ImportReport:
    imported: int = 0
    already_there: int = 0
    skipped: Counter = field(default_factory=Counter)
    first_skipped: dict[str, Skipped] = field(default_factory=dict)  # per reason, for the report
    days: set[date] = field(default_factory=set)

    def skip(self, item: Skipped) -> None:
        self.skipped[item.reason] += 1
        self.first_skipped.setdefault(item.reason, item)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def visits_import(
    *,
    site: Site,
    items: Iterable[ImportedHit | Skipped],
    batch_size: int = 1000,
    dry_run: bool = False,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Store the readers' hits as the site's visits. With `dry_run`, only count."""
    report = ImportReport()
    tz = ZoneInfo(site.timezone)
    latest = timezone.now() + FUTURE_MARGIN
    # The salts of past days are gone: visitors of this run are hashed with a salt of its own,
    # kept in memory only, so no stored hash can be traced back to an address.
    salt = secrets.token_bytes(32)
    visits = _VisitTracker()
    batch: list[Visit] = []
    try:
        for item in items:
            if isinstance(item, Skipped):
                report.skip(item)
                continue
            visit = _visit(site, item, tz, latest, salt, visits)
            if isinstance(visit, Skipped):
                report.skip(visit)
                continue
            batch.append(visit)
            if len(batch) >= batch_size:
                _store(site, batch, report, tz, dry_run)
                batch = []
                if progress:
                    progress(report)
        _store(site, batch, report, tz, dry_run)
    finally:
        # Rollups of the touched days were made without these visits: rebuild them.
        if report.days and not dry_run:
            rollup_forget(site=site, days=report.days)
    if report.imported >= STATISTICS_AFTER and not dry_run:
        statistics_refresh(models=[Visit])
    if progress:
        progress(report)
    return report


def _store(site: Site, batch: list[Visit], report: ImportReport, tz, dry_run: bool) -> None:
    if not batch:
        return
    existing = _existing_keys(site, [visit.import_key for visit in batch])
    new = [visit for visit in batch if visit.import_key not in existing]
    report.already_there += len(batch) - len(new)
    if not dry_run and new:
        try:
            with transaction.atomic():
                visits_insert([visit_row(visit, IMPORT_COLUMNS) for visit in new], IMPORT_COLUMNS)
        except IntegrityError:
            # A concurrent run of the same file stored some meanwhile: skip those, keep the rest.
            Visit.objects.bulk_create(new, batch_size=KEY_LOOKUP_CHUNK, ignore_conflicts=True)
    report.imported += len(new)
    report.days.update(visit.timestamp.astimezone(tz).date() for visit in new)


def _existing_keys(site: Site, keys: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
        chunk = keys[start : start + KEY_LOOKUP_CHUNK]
        rows = Visit.objects.filter(site=site, import_key__in=chunk)
        existing.update(rows.values_list("import_key", flat=True))
    return existing


class _VisitTracker:
    """Which hits continue a visit: those of a visitor less than the session gap after their
    previous hit on the same local day. A page after a visit's first came from the site itself
    (internal), not from nowhere (Direct), though exports keep no referrer for it."""

    def __init__(self) -> None:
        self.last: dict[tuple, datetime] = {}
        self.latest: datetime | None = None
        self.held = VISITORS_HELD

    def continues(self, hit: ImportedHit, local_day: date) -> bool:
        who = hit.visitor_hash if hit.visitor_hash is not None else hit.visitor
        if who == "":
            return False
        key = (who, local_day)
        previous = self.last.get(key)
        if previous is None or hit.timestamp >= previous:
            self.last[key] = hit.timestamp
        if self.latest is None or hit.timestamp > self.latest:
            self.latest = hit.timestamp
        if len(self.last) > self.held:
            horizon = self.latest - SESSION_GAP
            self.last = {key: moment for key, moment in self.last.items() if moment >= horizon}
            self.held = max(VISITORS_HELD, 2 * len(self.last))  # prune again only after growth
        return previous is not None and timedelta(0) <= hit.timestamp - previous < SESSION_GAP


def _referrer_of(
    *, site: Site, hit: ImportedHit, url: str, referrer: str, continues: bool
) -> dict[str, str]:
    """Where an imported visit came from: its referrer, or the source its file names instead,
    grouped and given a channel as the beacon does; a later page of a visit is internal."""
    campaign = _campaign(hit, url)
    if hit.source is not None:
        source = clean_text(hit.source, 255)
        if source == INTERNAL:
            return {"referrer_domain": INTERNAL, "referrer_source": INTERNAL, "channel": INTERNAL}
        if source and (" " in source or "." not in source):
            # A source named, not addressed (GoatCounter's "Hacker News"): kept as named.
            channel = channel_for(
                referrer_category="", has_referrer=True, campaign=campaign, page_url=url
            )
            return {
                "referrer_domain": source,
                "referrer_source": source[:SOURCE_MAX_LENGTH],
                "channel": channel,
            }
        # The file says where the visit came from, even that it came from nowhere ("").
        return referrer_fields(
            referrer=f"https://{source}/" if source else "",
            page_url=url,
            site_domains=site.domains,
            campaign=campaign,
        )
    if continues and not referrer:
        return {"referrer_domain": INTERNAL, "referrer_source": INTERNAL, "channel": INTERNAL}
    return referrer_fields(
        referrer=referrer, page_url=url, site_domains=site.domains, campaign=campaign
    )


def _visit(
    site: Site, hit: ImportedHit, tz: ZoneInfo, latest: datetime, salt: bytes, visits
) -> Visit | Skipped:
    if hit.timestamp > latest:
        return Skipped(hit.line, "in the future", hit.timestamp.isoformat())
    try:
        url = page_url(hit.url)
        props = props_clean(hit.props)
        revenue = revenue_clean(hit.revenue)
    except BeaconError as error:
        return Skipped(hit.line, "unusable page address", str(error))
    except PropertyError as error:
        return Skipped(hit.line, "unusable properties", str(error))
    except RevenueError as error:
        return Skipped(hit.line, "unusable revenue", str(error))
    referrer = clean_text(hit.referrer, URL_MAX_LENGTH)
    local_day = hit.timestamp.astimezone(tz).date()
    continues = visits.continues(hit, local_day)
    return Visit(
        site=site,
        timestamp=hit.timestamp,
        url=url,
        path=url_path(url),
        referrer=referrer,
        **_referrer_of(site=site, hit=hit, url=url, referrer=referrer, continues=continues),
        event=clean_text(hit.event, EVENT_MAX_LENGTH) or PAGEVIEW,
        # Whatever the source called them, stored under the names the beacon uses.
        browser=browser_name(clean_text(hit.browser, 50)),
        browser_version=clean_text(hit.browser_version, 20),
        os=os_name(clean_text(hit.os, 50)),
        device=device_name(hit.device),
        screen=clean_text(hit.screen, 10),
        country_code=clean_text(hit.country_code, 2).upper(),
        country=clean_text(hit.country, 100),
        region=clean_text(hit.region, 100),
        city=clean_text(hit.city, 100),
        props=props,
        revenue_amount=revenue.amount if revenue else None,
        revenue_currency=revenue.currency if revenue else "",
        **metrics_clean(event=hit.event, parameters=hit.metrics),
        **_campaign(hit, url),
        visitor_hash=(
            hit.visitor_hash
            if hit.visitor_hash is not None
            else visitor_hash(
                salt=salt,
                site_id=site.pk,
                local_day=local_day,
                client_ip=hit.visitor,
                user_agent="",
            )
        ),
        import_key=hit.key,
    )


def _campaign(hit: ImportedHit, url: str) -> dict[str, str]:
    if hit.campaign is None:
        return campaign_from_url(url)
    return {
        name: clean_text(hit.campaign.get(name, ""), CAMPAIGN_MAX_LENGTH)
        for name in CAMPAIGN_FIELDS
    }
