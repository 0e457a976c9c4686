"""Revenue summed from raw visits: per day, custom event and currency, in total and per value
of each revenue dimension. The rollups and the raw path both come through here.

Amounts are summed as Decimals in Python (a day holds few revenue events), so SQLite and
PostgreSQL give the same exact figures. Where the money came from (source, channel, campaign)
is the visitor's first hit of that day, the page they arrived through; the page and country
are the event's own.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import QuerySet

from visits.models import ENGAGEMENT, Visit
from visits.stats.dimensions import TOTAL
from visits.stats.local_day import LocalDate

# The dimensions revenue is broken down by: the dashboard's names and their fields.
ARRIVAL_DIMENSIONS = {
    "referrer_source": "referrer_source",
    "channel": "channel",
    "campaign": "utm_campaign",
}
EVENT_DIMENSIONS = {"page": "path", "country": "country_code"}
REVENUE_DIMENSIONS = ("referrer_source", "channel", "page", "country", "campaign")
# Visitor hashes per lookup: as many as the database takes, less room for the view's filters.
_LOOKUP_ROOM = 100


@dataclass(frozen=True)
class RevenueRow:
    day: date
    event: str
    currency: str
    dimension: str
    value: str
    label: str
    amount: Decimal
    events: int


def revenue_rows(
    queryset: QuerySet[Visit], *, tz: ZoneInfo, events: Collection[str] | None = None
) -> list[RevenueRow]:
    """The queryset's revenue per day, event, currency and dimension value (of only `events`,
    when given)."""
    local = queryset.annotate(day=LocalDate("timestamp", tzinfo=tz))
    with_revenue = local if events is None else local.filter(event__in=events)
    earned = list(
        with_revenue.exclude(revenue_currency="")
        .filter(revenue_amount__isnull=False)
        .values_list(
            "day",
            "visitor_hash",
            "event",
            "revenue_currency",
            "revenue_amount",
            "path",
            "country_code",
            "country",
        )
        .order_by()
    )
    arrivals = _arrivals(local, {(row[0], row[1]) for row in earned})
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0, ""])
    for day, visitor, event, currency, amount, path, country_code, country in earned:
        arrival = arrivals.get((day, visitor), ("", "", ""))
        values = {
            TOTAL: ("", ""),
            "referrer_source": (arrival[0], ""),
            "channel": (arrival[1], ""),
            "campaign": (arrival[2], ""),
            "page": (path, ""),
            "country": (country_code, country),
        }
        for dimension, (value, label) in values.items():
            if dimension != TOTAL and not value:
                continue  # no campaign, no country: left out of that breakdown only
            key = (day, event, currency, dimension, value)
            entry = sums[key]
            entry[0] += amount
            entry[1] += 1
            entry[2] = entry[2] or label
    return [
        RevenueRow(*key, label=label, amount=amount, events=events)
        for key, (amount, events, label) in sums.items()
    ]


def _arrivals(local: QuerySet[Visit], keys: set[tuple]) -> dict[tuple, tuple[str, str, str]]:
    """(day, visitor) -> the referrer source, channel and campaign of the visitor's first hit
    that day."""
    found: dict[tuple, tuple[str, str, str]] = {}
    visitors = sorted({visitor for _, visitor in keys})
    # Each lookup walks the period's hits: as few as the database's parameter limit allows.
    chunk = (connections[local.db].features.max_query_params or 20_000) - _LOOKUP_ROOM
    for start in range(0, len(visitors), chunk):
        hits = (
            local.exclude(event=ENGAGEMENT)
            .filter(visitor_hash__in=visitors[start : start + chunk])
            .order_by("timestamp", "id")
            .values_list("day", "visitor_hash", "referrer_source", "channel", "utm_campaign")
        )
        # Fetched whole (the few visitors' hits): a server-side cursor lets PostgreSQL plan
        # for the first rows, walking the period's index in order (3x slower at 1M visits).
        for day, visitor, source, channel, campaign in hits:
            if (day, visitor) in keys:
                found.setdefault((day, visitor), (source, channel, campaign))
    return found
