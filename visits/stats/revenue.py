"""Revenue goals: what each of a site's revenue goals earned in a period, its average per
event, and where the money came from.

Only the goal's event with revenue in the goal's currency counts toward it; the same event's
revenue in other currencies is summed apart, per currency, and never converted. Unfiltered
views read rollups for finished days and raw visits for the rest; filtered views read raw
visits throughout. Both give the same exact figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sites.models import Goal, Site
from visits.models import RevenueRollup
from visits.stats.dimensions import TOTAL
from visits.stats.filters import visits_matching
from visits.stats.periods import Period, local_bounds
from visits.stats.report_days import REVENUE, kept_days
from visits.stats.revenue_rows import REVENUE_DIMENSIONS, RevenueRow, revenue_rows
from visits.stats.rollups import rollup_ensure
from visits.stats.view_days import filters_between, filters_key

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RevenueBreakdownRow:
    value: str
    label: str
    amount: Decimal
    events: int


@dataclass(frozen=True)
class GoalRevenue:
    goal_id: int
    name: str
    event: str
    currency: str
    amount: Decimal = ZERO  # the total, in the goal's currency
    events: int = 0  # the goal's events that carried revenue in that currency
    # Per dimension ("referrer_source", "channel", "page", "country", "campaign"), largest first.
    breakdowns: dict[str, list[RevenueBreakdownRow]] = field(default_factory=dict)
    # The same event's revenue in other currencies: code -> total (not counted toward the goal).
    other_currencies: dict[str, Decimal] = field(default_factory=dict)

    @property
    def average(self) -> Decimal:
        """The mean amount per event with revenue, to the cent (half to even)."""
        if not self.events:
            return ZERO
        return (self.amount / self.events).quantize(CENTS, rounding=ROUND_HALF_EVEN)


def revenue_goals_of(site: Site) -> list[Goal]:
    return [goal for goal in site.goals.all() if goal.kind == Goal.Kind.EVENT and goal.currency]


def goal_revenue(
    *, site: Site, period: Period, filters: dict[str, str], now: datetime
) -> list[GoalRevenue]:
    """Every revenue goal of the site with its figures for the period and filters."""
    goals = revenue_goals_of(site)
    if not goals:
        return []
    events = {goal.value for goal in goals}
    rows = _period_rows(site=site, period=period, filters=filters, now=now, events=events)
    return [_figures(goal, rows) for goal in goals]


def _period_rows(
    *, site: Site, period: Period, filters: dict[str, str], now: datetime, events: set[str]
) -> list[RevenueRow]:
    raw_from = period.first_day
    rows: list[RevenueRow] = []
    if not filters:
        finished = rollup_ensure(
            site=site, first_day=period.first_day, last_day=period.last_day, now=now
        )
        if finished >= period.first_day:
            rolled = RevenueRollup.objects.filter(
                site=site,
                event__in=events,
                day__gte=period.first_day,
                day__lte=min(finished, period.last_day),
            ).values_list(
                "day", "event", "currency", "dimension", "value", "label", "amount", "events"
            )
            rows = [RevenueRow(*values) for values in rolled]
            raw_from = finished + timedelta(days=1)
    elif (key := filters_key(filters)) is not None:
        return _kept_rows(site=site, period=period, filters=filters, events=events, key=key)
    if raw_from <= period.last_day:
        start, end = local_bounds(raw_from, period.last_day, period.tz)
        rows += _raw_rows(
            site=site, filters=filters, events=events, start=start, end=end, tz=period.tz
        )
    return rows


def _raw_rows(*, site, filters, events, start, end, tz) -> list[RevenueRow]:
    visits = visits_matching(site=site, filters=filters).filter(
        timestamp__gte=start, timestamp__lt=end
    )
    return revenue_rows(visits, tz=tz, events=events)


def _kept_rows(*, site, period, filters, events, key) -> list[RevenueRow]:
    """A filtered view's revenue: finished days from the per-day cache, today raw."""

    def compute(start, end) -> dict:
        days: dict = defaultdict(lambda: {"rows": []})
        for row in _raw_rows(
            site=site,
            filters=filters_between(filters, start, end),
            events=events,
            start=start,
            end=end,
            tz=period.tz,
        ):
            values = [row.event, row.currency, row.dimension, row.value, row.label]
            days[row.day]["rows"].append([*values, str(row.amount), row.events])
        return dict(days)

    definition = [sorted(events), key]
    days = kept_days(site=site, kind=REVENUE, definition=definition, period=period, compute=compute)
    return [
        RevenueRow(day, *values, Decimal(amount), count)
        for day, data in days.items()
        for *values, amount, count in data["rows"]
    ]


def _figures(goal: Goal, rows: list[RevenueRow]) -> GoalRevenue:
    amount, events = Decimal(0), 0
    others: dict[str, Decimal] = defaultdict(Decimal)
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), 0, ""])
    for row in rows:
        if row.event != goal.value:
            continue
        if row.currency != goal.currency:
            if row.dimension == TOTAL:
                others[row.currency] += row.amount
            continue
        if row.dimension == TOTAL:
            amount += row.amount
            events += row.events
        else:
            entry = sums[(row.dimension, row.value)]
            entry[0] += row.amount
            entry[1] += row.events
            entry[2] = entry[2] or row.label
    breakdowns: dict[str, list[RevenueBreakdownRow]] = {name: [] for name in REVENUE_DIMENSIONS}
    for (dimension, value), (total, count, label) in sums.items():
        breakdowns[dimension].append(RevenueBreakdownRow(value, label, amount_cents(total), count))
    for rows_of in breakdowns.values():
        rows_of.sort(key=lambda row: (-row.amount, row.value))
    return GoalRevenue(
        goal_id=goal.pk,
        name=goal.name,
        event=goal.value,
        currency=goal.currency,
        amount=amount_cents(amount),
        events=events,
        breakdowns=breakdowns,
        other_currencies={code: amount_cents(total) for code, total in sorted(others.items())},
    )


def amount_cents(amount: Decimal) -> Decimal:
    """Two decimal places, or as many as the amounts had beyond them (up to four)."""
    two = amount.quantize(CENTS)
    return two if two == amount else amount.normalize()
