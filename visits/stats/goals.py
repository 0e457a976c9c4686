"""Goals: the visitors who reached each of a site's goals in a period, and the conversion rate."""

import re
from dataclasses import dataclass
from datetime import datetime

from sites.models import Site
from visits.stats.daily_rows import DailyRow, daily_rows
from visits.stats.dimensions import TOTAL
from visits.stats.figures import figure_rows
from visits.stats.filters import visits_matching
from visits.stats.periods import Period
from visits.stats.report_days import GOAL_PATH, kept_days
from visits.stats.view_days import filters_between, filters_key


@dataclass(frozen=True)
class GoalRow:
    name: str
    kind: str
    value: str
    visitors: int
    completions: int
    rate: float  # percent of the period's unique visitors
    id: int = 0
    currency: str = ""  # a revenue goal's (its figures: visits.stats.revenue)


def goal_pattern(value: str) -> str:
    """The regular expression of a page goal's path, `*` matching anything."""
    return "^" + ".*".join(re.escape(part) for part in value.split("*")) + "$"


def visit_goals(
    *, site: Site, period: Period, filters: dict[str, str], now: datetime, total_visitors: int
) -> list[GoalRow]:
    """Visitors who reached each goal of the site, how often, and the conversion rate.

    Event goals and exact pages are read like their breakdowns (rollups where they serve);
    a path with `*` matches raw visits, its finished days kept per filters (`ReportDay`).
    """
    rows_by_dimension: dict[str, list[DailyRow]] = {}
    result = []
    for goal in site.goals.all():
        if goal.kind == "event" or "*" not in goal.value:
            dimension = "event" if goal.kind == "event" else "page"
            if dimension not in rows_by_dimension:
                rows_by_dimension[dimension] = figure_rows(
                    site=site, period=period, filters=filters, dimension=dimension, now=now
                )
            matched = [row for row in rows_by_dimension[dimension] if row.value == goal.value]
        else:
            matched = _wildcard_rows(site=site, period=period, filters=filters, value=goal.value)
        visitors = sum(row.visitors for row in matched)
        completions = sum(row.events if goal.kind == "event" else row.pageviews for row in matched)
        rate = round(100 * visitors / total_visitors, 1) if total_visitors else 0.0
        result.append(
            GoalRow(
                goal.name,
                goal.kind,
                goal.value,
                visitors,
                completions,
                rate,
                id=goal.pk,
                currency=goal.currency,
            )
        )
    return result


def _wildcard_rows(*, site: Site, period: Period, filters: dict, value: str) -> list[DailyRow]:
    """The period's rows per day of the hits on the paths `value` matches: finished days from
    the per-day cache (a visitor belongs to one day, so days add up), today raw."""

    def compute(start, end) -> dict:
        visits = visits_matching(site=site, filters=filters_between(filters, start, end)).filter(
            timestamp__gte=start, timestamp__lt=end, path__regex=goal_pattern(value)
        )
        rows = daily_rows(visits, tz=period.tz, dimension=TOTAL, by_day=True)
        return {row.day: {"figures": [row.visitors, row.pageviews, row.events]} for row in rows}

    key = filters_key(filters)
    if key is None:  # a drop-off filter standing for nobody
        days = compute(period.start, period.end)
    else:
        days = kept_days(
            site=site, kind=GOAL_PATH, definition=[value, key], period=period, compute=compute
        )
    return [DailyRow(day, "", "", *data["figures"]) for day, data in days.items()]
