"""Figures of several sites together, for the combined dashboard: the one-site selectors run once
per time zone over all its sites (their days are the same), and those groups summed. Visitor
hashes are per site, so a visitor of two sites counts twice, and every additive figure is
exactly the sum of the sites' own."""

from dataclasses import dataclass, fields
from datetime import date, datetime
from itertools import chain

from sites.models import Site
from sites.selectors import annotations_of_sites
from visits.stats.breakdowns import BreakdownRow, breakdown_of
from visits.stats.figures import figure_rows, visit_totals
from visits.stats.periods import Period
from visits.stats.timeseries import points_added, visit_timeseries
from visits.stats.totals import Point, Totals


@dataclass(frozen=True)
class SitePeriods:
    """The sites and each one's period: the same days, in the site's own time zone."""

    sites: list[Site]
    periods: dict[int, Period]

    @property
    def first(self) -> Period:
        return self.periods[self.sites[0].pk]

    @property
    def zones(self) -> list[tuple[list[Site], Period]]:
        """The sites grouped by time zone, each group with its period."""
        groups: dict[str, list[Site]] = {}
        for site in self.sites:
            groups.setdefault(site.timezone, []).append(site)
        return [(group, self.periods[group[0].pk]) for group in groups.values()]


def totals_added(items: list[Totals]) -> Totals:
    return Totals(
        **{item.name: sum(getattr(t, item.name) for t in items) for item in fields(Totals)}
    )


def combined_totals(
    *, chosen: SitePeriods, filters: dict[str, str], now: datetime
) -> tuple[Totals, Totals]:
    """The headline figures of all the sites, and of the period before."""
    pairs = [
        visit_totals(site=group[0], sites=group, period=period, filters=filters, now=now)
        for group, period in chosen.zones
    ]
    return totals_added([pair[0] for pair in pairs]), totals_added([pair[1] for pair in pairs])


def combined_timeseries(
    *, chosen: SitePeriods, filters: dict[str, str], now: datetime
) -> list[Point]:
    """Pageviews and visitors per hour or day, summed over the sites bucket by bucket (the n-th
    hour or day of each site's period), labelled as the first site's buckets."""
    series = [
        visit_timeseries(site=group[0], sites=group, period=period, filters=filters, now=now)
        for group, period in chosen.zones
    ]
    # zip stops at the shortest: a DST day has one hour more or less.
    return [points_added(points) for points in zip(*series, strict=False)]


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
            site=group[0], sites=group, period=period, filters=filters, dimension=dimension, now=now
        )
        for group, period in chosen.zones
    )
    return breakdown_of(list(rows), dimension=dimension, limit=limit)


@dataclass(frozen=True)
class CombinedNote:
    """A site's note on the combined chart: `day` is where it falls on the chart (whose days
    are the first site's), `site_day` the day the site's team gave it."""

    day: date
    site_day: date
    site_name: str
    note: str

    @property
    def text(self) -> str:
        return f"{self.site_name}: {self.note}"


def combined_notes(*, chosen: SitePeriods) -> list[CombinedNote]:
    """The period's notes of every site, in one query, each at its day's place in the chart:
    the n-th day of its site's period is the chart's n-th day, as the figures are summed."""
    names = {site.pk: site.name for site in chosen.sites}
    first = chosen.first.first_day
    ranges = [(group, period.first_day, period.last_day) for group, period in chosen.zones]
    notes = [
        CombinedNote(
            day=first + (note.day - chosen.periods[note.site_id].first_day),
            site_day=note.day,
            site_name=names[note.site_id],
            note=note.text,
        )
        for note in annotations_of_sites(ranges=ranges)
    ]
    return sorted(notes, key=lambda note: (note.site_day, note.site_name))
