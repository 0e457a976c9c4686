"""Figures of several sites together, for the combined dashboard: the one-site selectors run per
site and summed. Visitor hashes are per site, so a visitor of two sites counts twice, and every
additive figure is exactly the sum of the sites' own."""

from dataclasses import dataclass, fields
from datetime import datetime
from itertools import chain

from sites.models import Site
from visits.stats.breakdowns import BreakdownRow, breakdown_of
from visits.stats.figures import Point, Totals, figure_rows, visit_timeseries, visit_totals
from visits.stats.periods import Period


@dataclass(frozen=True)
class SitePeriods:
    """The sites and each one's period: the same days, in the site's own time zone."""

    sites: list[Site]
    periods: dict[int, Period]

    @property
    def first(self) -> Period:
        return self.periods[self.sites[0].pk]


def totals_added(items: list[Totals]) -> Totals:
    return Totals(
        **{item.name: sum(getattr(t, item.name) for t in items) for item in fields(Totals)}
    )


def combined_totals(
    *, chosen: SitePeriods, filters: dict[str, str], now: datetime
) -> tuple[Totals, Totals]:
    """The headline figures of all the sites, and of the period before."""
    pairs = [
        visit_totals(site=site, period=chosen.periods[site.pk], filters=filters, now=now)
        for site in chosen.sites
    ]
    return totals_added([pair[0] for pair in pairs]), totals_added([pair[1] for pair in pairs])


def combined_timeseries(
    *, chosen: SitePeriods, filters: dict[str, str], now: datetime
) -> list[Point]:
    """Pageviews and visitors per hour or day, summed over the sites bucket by bucket (the n-th
    hour or day of each site's period), labelled as the first site's buckets."""
    series = [
        visit_timeseries(site=site, period=chosen.periods[site.pk], filters=filters, now=now)
        for site in chosen.sites
    ]
    length = min(len(points) for points in series)  # a DST day has one hour more or less
    return [
        Point(
            bucket=series[0][n].bucket,
            pageviews=sum(points[n].pageviews for points in series),
            visitors=sum(points[n].visitors for points in series),
        )
        for n in range(length)
    ]


def combined_breakdown(
    *,
    chosen: SitePeriods,
    filters: dict[str, str],
    dimension: str,
    now: datetime,
    limit: int | None = 10,
) -> list[BreakdownRow]:
    """The top values of one dimension over all the sites, each value's figures summed."""
    rows = chain.from_iterable(
        figure_rows(
            site=site, period=chosen.periods[site.pk], filters=filters, dimension=dimension, now=now
        )
        for site in chosen.sites
    )
    return breakdown_of(list(rows), dimension=dimension, limit=limit)
