"""Journeys: the most common paths of pages through the site, from an entry page or towards
an exit page, for the dashboard's period and filters.

A visit is what funnels and `visits.stats.sessions` say it is (a 30-minute gap or midnight in
the site's time zone ends it), formed from the hits that match the filters; only its pageviews
are steps, and a page seen again right after itself (a reload) is one step. With `entry`, the
visits that started at that page, each giving its first `steps` pages; with `exit`, the visits
that ended at that page, each giving its last `steps` pages; with neither, every visit's first
`steps` pages. A visit with fewer pages than `steps` counts as its own, shorter path.
Visitors are distinct per day and summed over the days, as everywhere; the share is of the
visits that started at the entry (or ended at the exit).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from sites.models import Site
from visits.models import PAGEVIEW
from visits.stats.filters import visits_matching
from visits.stats.funnels import ordered_hits, visits_cut
from visits.stats.periods import Period
from visits.stats.report_days import JOURNEY, report_days, report_key

MIN_STEPS, MAX_STEPS, DEFAULT_STEPS, TOP_PATHS = 2, 5, 3, 20
MAX_CACHED_PATHS = 20_000  # distinct paths of one day kept in the per-day cache
SEPARATOR = "\n"  # between a path's pages: no stored path has one (`urlsplit` drops them)


class JourneyError(ValueError):
    """Parameters the report cannot read; the message says why."""


@dataclass(frozen=True)
class JourneyParams:
    entry: str = ""
    exit: str = ""
    steps: int = DEFAULT_STEPS


@dataclass(frozen=True)
class JourneyRow:
    pages: tuple[str, ...]
    visitors: int
    visits: int
    share: float  # percent of the visits that started at the entry (or ended at the exit)


@dataclass(frozen=True)
class JourneyReport:
    rows: list[JourneyRow]
    visits: int  # the visits the shares are of


def journey_params(params) -> JourneyParams:
    """`entry`, `exit` and `steps` from a query dict (not `from` and `to`, which are a
    custom period's days); a JourneyError says what is wrong."""
    entry, exit_ = (params.get(name, "").strip() for name in ("entry", "exit"))
    for name, value in (("entry", entry), ("exit", exit_)):
        if value and not value.startswith("/"):
            raise JourneyError(f"“{name}” must be a page path starting with “/”.")
        if len(value) > 2000:
            raise JourneyError(f"“{name}” is too long.")
    if entry and exit_:
        raise JourneyError(_("Choose an entry page or an exit page, not both."))
    raw = params.get("steps", "") or str(DEFAULT_STEPS)
    if not raw.isdigit() or not MIN_STEPS <= int(raw) <= MAX_STEPS:
        raise JourneyError(f"“steps” must be a whole number from {MIN_STEPS} to {MAX_STEPS}.")
    return JourneyParams(entry=entry, exit=exit_, steps=int(raw))


def page_steps(hits) -> list[str]:
    """A visit's pages in order, a page repeated right after itself (a reload) once."""
    pages: list[str] = []
    for path, _event, _props in hits:
        if not pages or pages[-1] != path:
            pages.append(path)
    return pages


def journey_day_paths(
    *, site: Site, start: datetime, end: datetime, tz, filters: dict[str, str], params
) -> dict:
    """{local day: {"paths": [...], "visitors": [...], "visits": [...]}}: every path seen that
    day (its pages joined by SEPARATOR) with its visitors and visits, in the same order."""
    hits = visits_matching(site=site, filters=filters).filter(
        timestamp__gte=start, timestamp__lt=end
    )
    visitors: dict[tuple, set] = defaultdict(set)
    visits: Counter = Counter()
    for visitor, day, visit_hits in visits_cut(ordered_hits(hits, Q(event=PAGEVIEW)), tz):
        pages = page_steps(visit_hits)
        if not pages:
            continue
        if params.entry and pages[0] != params.entry:
            continue
        if params.exit and pages[-1] != params.exit:
            continue
        path = tuple(pages[-params.steps :] if params.exit else pages[: params.steps])
        visits[(day, path)] += 1
        visitors[(day, path)].add(visitor)
    # Three flat lists per day, not a list per path: a month of a busy site's days is read and
    # added up in a tenth of the time.
    per_day: dict = defaultdict(lambda: {"paths": [], "visitors": [], "visits": []})
    for (day, path), count in visits.items():
        data = per_day[day]
        data["paths"].append(SEPARATOR.join(path))
        data["visitors"].append(len(visitors[(day, path)]))
        data["visits"].append(count)
    return dict(per_day)


def _cacheable(data: dict) -> bool:
    # Every path's count is kept, so days add up exactly; a day with more distinct paths than
    # this (a crawl of a huge site) would make a row larger than reading its visits, so it is
    # read raw each time instead.
    return len(data.get("paths", ())) <= MAX_CACHED_PATHS


def journey_report(
    *, site: Site, period: Period, filters: dict[str, str], params: JourneyParams
) -> JourneyReport:
    """The top paths with their visitors, visits and share of the visits considered;
    finished days of a report unfiltered or by one rolled-up filter come from the per-day
    cache."""
    days = report_days(
        site=site,
        kind=JOURNEY,
        key=report_key(kind=JOURNEY, definition=[params.entry, params.exit, params.steps]),
        period=period,
        filters=filters,
        compute=lambda start, end: journey_day_paths(
            site=site, start=start, end=end, tz=period.tz, filters=filters, params=params
        ),
        keep=_cacheable,
    )
    visitors: Counter = Counter()
    visits: Counter = Counter()
    for data in days.values():
        visitors.update(dict(zip(data["paths"], data["visitors"], strict=True)))
        visits.update(dict(zip(data["paths"], data["visits"], strict=True)))
    considered = sum(visits.values())
    ranked = sorted(
        visits, key=lambda path: (-visitors[path], -visits[path], path.split(SEPARATOR))
    )
    rows = [
        JourneyRow(
            pages=tuple(path.split(SEPARATOR)),
            visitors=visitors[path],
            visits=visits[path],
            share=round(100 * visits[path] / considered, 1),
        )
        for path in ranked[:TOP_PATHS]
    ]
    return JourneyReport(rows=rows, visits=considered)
