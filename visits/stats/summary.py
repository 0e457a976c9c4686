"""A site's figures in one line, for lists of sites: visitors and pageviews of the last 30 days."""

from dataclasses import dataclass
from datetime import datetime

from sites.models import Site
from visits.stats.figures import visit_totals
from visits.stats.periods import period_resolve
from visits.stats.rollups import rollup_ensure

SUMMARY_PERIOD = "30d"


@dataclass(frozen=True)
class SiteSummary:
    visitors: int
    pageviews: int


def site_summary(*, site: Site, now: datetime) -> SiteSummary:
    """The dashboard's default period's unique visitors and pageviews (from the rollups)."""
    period = period_resolve(key=SUMMARY_PERIOD, tz_name=site.timezone, now=now)
    rollup_ensure(site=site, first_day=period.first_day, last_day=period.last_day, now=now)
    totals, _ = visit_totals(site=site, period=period, filters={}, now=now)
    return SiteSummary(visitors=totals.visitors, pageviews=totals.pageviews)
