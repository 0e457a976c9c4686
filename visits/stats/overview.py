"""The all-sites overview: each site's visitors today and in a period, the change against the
period before, and a daily sparkline, read for all the sites together.

Finished days come from the daily totals rollups in one query for every site; the days not yet
rolled up (today, and yesterday during the grace period) from raw visits, one query per time
zone among the sites. So the page costs a few queries however many sites there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from sites.models import Site
from visits.models import ENGAGEMENT, PAGEVIEW, DailyRollup, Visit
from visits.stats.dimensions import TOTAL
from visits.stats.headline import change_percent
from visits.stats.periods import Period, local_bounds, period_resolve
from visits.stats.rollups import last_finished_day, rollup_build

# A one-day period's sparkline still shows a week, ending on that day.
SPARKLINE_MIN_DAYS = 7
SPARKLINE_WIDTH, SPARKLINE_HEIGHT = 100, 24
SORTS = {
    "name": _("Name"),
    "-name": _("Name, Z to A"),
    "visitors": _("Fewest visitors first"),
    "-visitors": _("Most visitors first"),
    "change": _("Largest fall first"),
    "-change": _("Largest rise first"),
}
DEFAULT_SORT = "-visitors"


@dataclass
class SiteOverview:
    site: Site
    period: Period
    today: int = 0
    visitors: int = 0
    pageviews: int = 0
    previous: int = 0
    days: list[int] = field(default_factory=list)  # visitors per day, for the sparkline

    @property
    def change(self) -> int | None:
        """Percent change of visitors against the period before; None with nothing before."""
        return change_percent(self.visitors, self.previous)

    @property
    def sparkline(self) -> str:
        """The SVG polyline points of the daily visitors, scaled to the sparkline's box."""
        return sparkline_points(self.days)


def sparkline_points(values: list[int]) -> str:
    top = max(values, default=0) or 1
    step = SPARKLINE_WIDTH / max(len(values) - 1, 1)
    scale = (SPARKLINE_HEIGHT - 2) / top  # a pixel's margin above and below the line
    return " ".join(
        f"{round(n * step, 1):g},{round(SPARKLINE_HEIGHT - 1 - value * scale, 1):g}"
        for n, value in enumerate(values)
    )


def _sparkline_first_day(period: Period) -> date:
    return min(period.first_day, period.last_day - timedelta(days=SPARKLINE_MIN_DAYS - 1))


def rollups_ensure_for(*, sites: list[Site], first_days: dict[int, date], now: datetime) -> None:
    """Build any missing daily rollups from each site's first day through its last finished
    day, checking all the sites in one query (rather than `rollup_ensure` once per site)."""
    if not sites:
        return
    finished = {site.pk: last_finished_day(site=site, now=now) for site in sites}
    done = defaultdict(set)
    rows = DailyRollup.objects.filter(
        site__in=sites,
        dimension=TOTAL,
        day__gte=min(first_days.values()),
        day__lte=max(finished.values()),
    ).values_list("site_id", "day")
    for site_id, day in rows:
        done[site_id].add(day)
    for site in sites:
        first, last = first_days[site.pk], finished[site.pk]
        missing = [
            first + timedelta(days=n)
            for n in range((last - first).days + 1)
            if first + timedelta(days=n) not in done[site.pk]
        ]
        if missing:
            rollup_build(site=site, first_day=missing[0], last_day=missing[-1])
        site._rollups_ready = (first, last)  # what `rollup_ensure` then needn't check again


def _daily_figures(*, sites: list[Site], first_days: dict[int, date], now: datetime) -> dict:
    """{(site id, local day): (unique visitors, pageviews)} from each site's first day through
    today: rollups for finished days, raw visits for the rest."""
    finished = {site.pk: last_finished_day(site=site, now=now) for site in sites}
    figures = {}
    rolled = DailyRollup.objects.filter(
        site__in=sites, dimension=TOTAL, day__gte=min(first_days.values())
    ).values_list("site_id", "day", "visitors", "pageviews")
    for site_id, day, visitors, pageviews in rolled:
        if first_days[site_id] <= day <= finished[site_id]:
            figures[(site_id, day)] = (visitors, pageviews)
    by_zone = defaultdict(list)
    for site in sites:
        by_zone[site.timezone].append(site)
    for zone, zone_sites in by_zone.items():
        tz = ZoneInfo(zone)
        first_raw = min(finished[site.pk] for site in zone_sites) + timedelta(days=1)
        start = local_bounds(first_raw, first_raw, tz)[0]
        raw = (
            Visit.objects.filter(site__in=zone_sites, timestamp__gte=start, timestamp__lte=now)
            .exclude(event=ENGAGEMENT)
            .annotate(day=TruncDate("timestamp", tzinfo=tz))
            .values("site_id", "day")
            .annotate(
                visitors=Count("visitor_hash", distinct=True),
                pageviews=Count("id", filter=Q(event=PAGEVIEW)),
            )
        )
        for row in raw:
            if row["day"] > finished[row["site_id"]]:
                figures[(row["site_id"], row["day"])] = (row["visitors"], row["pageviews"])
    return figures


def site_overview(
    *, sites: list[Site], period_key: str, now: datetime, start: str = "", end: str = ""
) -> list[SiteOverview]:
    """Each site's overview for the period named like the dashboard's (`period_resolve`, in the
    site's own time zone); PeriodError for a period that names none."""
    period_resolve(key=period_key, tz_name="UTC", now=now, start=start, end=end)  # even for none
    periods = {
        site.pk: period_resolve(
            key=period_key, tz_name=site.timezone, now=now, start=start, end=end
        )
        for site in sites
    }
    first_days = {
        pk: min(period.previous_first_day, _sparkline_first_day(period))
        for pk, period in periods.items()
    }
    if not sites:
        return []
    rollups_ensure_for(sites=sites, first_days=first_days, now=now)
    daily = _daily_figures(sites=sites, first_days=first_days, now=now)
    overviews = []
    for site in sites:
        period = periods[site.pk]

        def days(first: date, last: date, pk=site.pk, figure=0) -> list[int]:
            count = (last - first).days + 1
            return [
                daily.get((pk, first + timedelta(days=n)), (0, 0))[figure] for n in range(count)
            ]

        today = now.astimezone(period.tz).date()
        overviews.append(
            SiteOverview(
                site=site,
                period=period,
                today=daily.get((site.pk, today), (0, 0))[0],
                visitors=sum(days(period.first_day, period.last_day)),
                pageviews=sum(days(period.first_day, period.last_day, figure=1)),
                previous=sum(days(period.previous_first_day, period.previous_last_day)),
                days=days(_sparkline_first_day(period), period.last_day),
            )
        )
    return overviews


def overview_sorted(overviews: list[SiteOverview], *, sort: str) -> list[SiteOverview]:
    """The overviews in the order `sort` names (one of SORTS; a leading "-" for descending);
    sites without a change to compare sort after those with one either way."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    by_name = sorted(overviews, key=lambda item: (item.site.name.lower(), item.site.pk))
    if key == "name":
        return list(reversed(by_name)) if descending else by_name
    if key == "visitors":
        return sorted(by_name, key=lambda item: -item.visitors if descending else item.visitors)
    known = [item for item in by_name if item.change is not None]
    unknown = [item for item in by_name if item.change is None]
    known.sort(key=lambda item: -item.change if descending else item.change)
    return known + unknown
