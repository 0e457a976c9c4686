"""Revenue over several sites, for the combined dashboard: each site's revenue goals read
together, per time zone in one query of their rollups and one of their raw days, and summed per
currency, never converted (EUR stays apart from USD).

Each goal's figures are those `visits.stats.revenue.goal_revenue` gives for its site alone:
rollups for finished days when unfiltered, raw visits for the rest, amounts summed as Decimals
in Python.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sites.models import Site
from visits.models import RevenueRollup
from visits.stats.combined import SitePeriods
from visits.stats.dimensions import TOTAL
from visits.stats.filters import visits_matching
from visits.stats.periods import Period, local_bounds
from visits.stats.revenue import CENTS, ZERO, amount_cents, revenue_goals_of
from visits.stats.rollups import rollup_ensure


@dataclass(frozen=True)
class Revenue:
    """What events earned in one currency."""

    currency: str
    amount: Decimal = ZERO
    events: int = 0  # events that carried revenue in that currency

    @property
    def average(self) -> Decimal:
        """The mean amount per event, to the cent (half to even), as a site's goal has it."""
        if not self.events:
            return ZERO
        return (self.amount / self.events).quantize(CENTS, rounding=ROUND_HALF_EVEN)


def revenue_added(items: list[Revenue]) -> Revenue:
    """Amounts of one currency added up."""
    return Revenue(
        currency=items[0].currency,
        amount=amount_cents(sum((item.amount for item in items), ZERO)),
        events=sum(item.events for item in items),
    )


def goals_revenue(
    *, chosen: SitePeriods, filters: dict[str, str], now: datetime
) -> dict[int, Revenue]:
    """Every chosen site's revenue goals (by goal id) with what each earned in its currency."""
    earned: dict[int, Revenue] = {}
    for group, period in chosen.zones:
        goals = [goal for site in group for goal in revenue_goals_of(site)]
        if not goals:
            continue
        sums: dict[tuple, list] = defaultdict(lambda: [ZERO, 0])
        rows = _revenue_rows(
            sites=[site for site in group if revenue_goals_of(site)],
            period=period,
            filters=filters,
            now=now,
            events={goal.value for goal in goals},
        )
        for site_id, event, currency, amount, events in rows:
            entry = sums[(site_id, event, currency)]
            entry[0] += amount
            entry[1] += events
        for goal in goals:
            amount, events = sums.get((goal.site_id, goal.value, goal.currency), (ZERO, 0))
            earned[goal.pk] = Revenue(
                currency=goal.currency, amount=amount_cents(amount), events=events
            )
    return earned


def _revenue_rows(
    *, sites: list[Site], period: Period, filters: dict[str, str], now: datetime, events: set[str]
) -> list[tuple]:
    """(site id, event, currency, amount, events) of the sites' revenue in the period."""
    raw_from = period.first_day
    rows: list[tuple] = []
    if not filters:  # revenue rollups hold unfiltered figures only
        finished = min(
            rollup_ensure(site=site, first_day=period.first_day, last_day=period.last_day, now=now)
            for site in sites
        )
        if finished >= period.first_day:
            rows = list(
                RevenueRollup.objects.filter(
                    site__in=sites,
                    event__in=events,
                    dimension=TOTAL,
                    day__gte=period.first_day,
                    day__lte=min(finished, period.last_day),
                ).values_list("site_id", "event", "currency", "amount", "events")
            )
            raw_from = finished + timedelta(days=1)
    if raw_from <= period.last_day:
        start, end = local_bounds(raw_from, period.last_day, period.tz)
        earned = (
            visits_matching(site=sites[0], sites=sites, filters=filters)
            .filter(timestamp__gte=start, timestamp__lt=end, event__in=events)
            .exclude(revenue_currency="")
            .filter(revenue_amount__isnull=False)
            .values_list("site_id", "event", "revenue_currency", "revenue_amount")
            .order_by()
        )
        rows += [(*values, 1) for values in earned]
    return rows
