"""Goals over several sites, for the combined dashboard.

Goals belong to one site each. Goals of several sites are one combined goal when they have the
same name and the same definition (kind, page or event, and revenue currency): they then count
the same thing, so their figures add up. The same name over different definitions (a page on
one site and an event on another, or revenue in EUR and in USD) stays one row each, since adding
them would mix things that are not the same, and money is never converted. Every figure is the
sum of the sites' own (`visit_goals`, `goal_revenue`); the conversion rate is against the
visitors of all the chosen sites, as a site's is against its own.

The goals of one time zone's sites are read together: exact pages and events from their rollups
in one query (and each site's today from the read its panels share), pages with `*` from their
raw visits in one query.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Q

from sites.models import Goal, Site
from visits.models import ENGAGEMENT, PAGEVIEW
from visits.stats.combined import SitePeriods
from visits.stats.combined_revenue import Revenue, goals_revenue, revenue_added
from visits.stats.figures import value_figures_by_site
from visits.stats.filters import visits_matching
from visits.stats.goals import goal_pattern
from visits.stats.periods import Period
from visits.stats.totals import Totals

WILDCARDS_PER_QUERY = 200


@dataclass(frozen=True)
class CombinedGoal:
    name: str
    kind: str
    value: str
    currency: str
    sites: int  # how many of the chosen sites have this goal
    visitors: int
    completions: int
    rate: float  # percent of the chosen sites' unique visitors
    revenue: Revenue | None = None  # a revenue goal's, in its currency


def combined_goals(
    *, chosen: SitePeriods, filters: dict[str, str], now: datetime, total_visitors: int
) -> list[CombinedGoal]:
    """The chosen sites' goals, those with one name and definition summed, by name."""
    figures: dict[int, tuple[int, int]] = {}  # goal id: visitors, completions
    for group, period in chosen.zones:
        figures.update(_zone_figures(sites=group, period=period, filters=filters, now=now))
    earned = goals_revenue(chosen=chosen, filters=filters, now=now)
    same: dict[tuple[str, str, str, str], list[Goal]] = defaultdict(list)
    for site in chosen.sites:
        for goal in site.goals.all():
            same[(goal.name, goal.kind, goal.value, goal.currency)].append(goal)
    rows = []
    for (name, kind, value, currency), goals in sorted(same.items()):
        visitors = sum(figures[goal.pk][0] for goal in goals)
        rows.append(
            CombinedGoal(
                name=name,
                kind=kind,
                value=value,
                currency=currency,
                sites=len(goals),
                visitors=visitors,
                completions=sum(figures[goal.pk][1] for goal in goals),
                rate=round(100 * visitors / total_visitors, 1) if total_visitors else 0.0,
                revenue=revenue_added([earned[goal.pk] for goal in goals])
                if goal_is_revenue(goals[0])
                else None,
            )
        )
    return rows


def currency_revenue(goals: list[CombinedGoal]) -> list[Revenue]:
    """What the revenue goals earned, per currency (by code), each never added to another."""
    by_currency: dict[str, list[Revenue]] = defaultdict(list)
    for goal in goals:
        if goal.revenue is not None:
            by_currency[goal.currency].append(goal.revenue)
    return [revenue_added(items) for _, items in sorted(by_currency.items())]


def goal_is_revenue(goal: Goal) -> bool:
    return goal.kind == Goal.Kind.EVENT and bool(goal.currency)


def _zone_figures(
    *, sites: list[Site], period: Period, filters: dict[str, str], now: datetime
) -> dict[int, tuple[int, int]]:
    """Visitors and completions of each goal of sites of one time zone, by goal id."""
    exact, wildcards = [], []
    for site in sites:
        for goal in site.goals.all():
            plain = goal.kind == Goal.Kind.EVENT or "*" not in goal.value
            (exact if plain else wildcards).append(goal)
    wanted: dict[str, set[str]] = defaultdict(set)
    for goal in exact:
        wanted[_dimension(goal)].add(goal.value)
    found = value_figures_by_site(
        sites=[site for site in sites if any(goal.site_id == site.pk for goal in exact)],
        period=period,
        filters=filters,
        now=now,
        wanted=wanted,
    )
    figures = {}
    for goal in exact:
        totals = found.get((goal.site_id, _dimension(goal), goal.value), Totals())
        completions = totals.events if goal.kind == Goal.Kind.EVENT else totals.pageviews
        figures[goal.pk] = (totals.visitors, completions)
    figures.update(_wildcard_figures(goals=wildcards, sites=sites, period=period, filters=filters))
    return figures


def _dimension(goal: Goal) -> str:
    return "event" if goal.kind == Goal.Kind.EVENT else "page"


def _wildcard_figures(
    *, goals: list[Goal], sites: list[Site], period: Period, filters: dict[str, str]
) -> dict[int, tuple[int, int]]:
    """Visitors and pageviews of pages with `*`, by goal id, in one query for all the goals
    (or some at a time: a longer OR would pass SQLite's limit on an expression's depth)."""
    figures: dict[int, tuple[int, int]] = {}
    for start in range(0, len(goals), WILDCARDS_PER_QUERY):
        chunk = goals[start : start + WILDCARDS_PER_QUERY]
        figures.update(_wildcards_read(goals=chunk, sites=sites, period=period, filters=filters))
    return figures


def _wildcards_read(
    *, goals: list[Goal], sites: list[Site], period: Period, filters: dict[str, str]
) -> dict[int, tuple[int, int]]:
    """Each goal counted over its own site's visits, as `visit_goals` counts it: the database
    finds the hits under each goal's literal start (the cheap LIKE, a superset where it ignores
    case) and Python tests each distinct path once with the goal's pattern (the database
    would call it for every row, and again in every goal's count)."""
    patterns: dict[int, list[tuple[int, re.Pattern]]] = defaultdict(list)
    for goal in goals:
        patterns[goal.site_id].append((goal.pk, re.compile(goal_pattern(goal.value))))
    # The site first: Q(site=…, path__startswith=…) would test every row's path first.
    starts = [Q(site=goal.site_id) & Q(path__startswith=goal.value.split("*")[0]) for goal in goals]
    hits = (
        visits_matching(
            site=sites[0], sites=[site for site in sites if site.pk in patterns], filters=filters
        )
        .filter(reduce(or_, starts), timestamp__gte=period.start, timestamp__lt=period.end)
        .exclude(event=ENGAGEMENT)
        .values_list("site_id", "path", "visitor_hash", "event")
        .order_by()
    )
    matched: dict[tuple[int, str], bool] = {}
    visitors: dict[int, set[int]] = {goal.pk: set() for goal in goals}
    pageviews = dict.fromkeys(visitors, 0)
    for site_id, path, visitor, event in hits.iterator(chunk_size=5000):
        for pk, pattern in patterns[site_id]:
            found = matched.get((pk, path))
            if found is None:
                found = matched[(pk, path)] = pattern.search(path) is not None
            if found:
                visitors[pk].add(visitor)
                pageviews[pk] += event == PAGEVIEW
    return {pk: (len(visitors[pk]), pageviews[pk]) for pk in visitors}
