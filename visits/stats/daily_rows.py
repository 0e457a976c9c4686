"""A site's raw visits summed per day and dimension value: what a rollup row holds, and what
reports read for the days no rollup covers yet."""

from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet

from visits.ingest.referrers import INTERNAL
from visits.models import ENGAGEMENT, PAGEVIEW, Visit
from visits.stats.dimensions import DIMENSIONS, PROPERTY, REFERRER_DIMENSIONS, TAGGED_ONLY, TOTAL
from visits.stats.local_day import LocalDate
from visits.stats.properties import property_rows
from visits.stats.sessions import ENTRY, EXIT, Session, session_figures, sessions_of

# Rows of these dimensions also carry the country name, to label them.
LABEL_FIELDS = {"country": "country", "city": "country"}


@dataclass(frozen=True)
class DailyRow:
    day: date | None
    value: str
    label: str
    visitors: int
    pageviews: int
    events: int
    sessions: int = 0
    bounces: int = 0
    duration: int = 0  # seconds, summed over the visits
    filter_value: str = ""  # with `split`: the value of the split dimension these rows are for


def daily_rows(
    queryset: QuerySet[Visit],
    *,
    tz: ZoneInfo,
    dimension: str,
    by_day: bool = True,
    with_sessions: bool = False,
    sessions: list[Session] | None = None,
    split: str = "",
) -> list[DailyRow]:
    """Raw visits summed per value of one dimension (or in total), per day in `tz` if `by_day`.

    Without `by_day` the rows cover the whole queryset and carry `day=None`; their visitors
    still equal the sum of daily visitors, since a visitor hash never spans two local days.
    Totals carry visit (session) figures when `with_sessions`; entry and exit pages always do.
    `sessions`, when given, are the queryset's visits already formed (see `sessions_of`).
    With `split` (a filter's name), rows are summed per value of that filter too, exactly as if
    the queryset were filtered by each value in turn, and carry it as `filter_value`.
    """
    split_field = DIMENSIONS[split] if split else ""
    if dimension in (ENTRY, EXIT):
        if sessions is None:
            sessions = sessions_of(queryset, tz=tz, split=split_field)
        return session_rows(sessions, dimension=dimension, by_day=by_day)
    if dimension == TOTAL and with_sessions:
        if sessions is None:
            sessions = sessions_of(queryset, tz=tz, split=split_field)
        return _with_sessions(queryset, sessions, tz=tz, by_day=by_day, split=split)
    queryset = queryset.exclude(event=ENGAGEMENT)
    if dimension == PROPERTY:
        rows = property_rows(queryset, tz=tz, by_day=by_day, split=split_field)
        return [DailyRow(*values) for values in rows]
    fields = []
    if dimension:
        fields.append(DIMENSIONS[dimension])
        if dimension in LABEL_FIELDS:
            fields.append(LABEL_FIELDS[dimension])
    if dimension == "event":
        queryset = queryset.exclude(event=PAGEVIEW)
    elif dimension in REFERRER_DIMENSIONS:
        queryset = queryset.exclude(**{DIMENSIONS[dimension]: INTERNAL})
    elif dimension in TAGGED_ONLY:
        queryset = queryset.exclude(**{DIMENSIONS[dimension]: ""})
    if by_day:
        queryset = queryset.annotate(day=LocalDate("timestamp", tzinfo=tz))
    figures = {
        "visitors": Count("visitor_hash", distinct=True),
        "pageviews": Count("id", filter=Q(event=PAGEVIEW)),
        "events": Count("id", filter=~Q(event=PAGEVIEW)),
    }
    extra = [split_field] if split_field and split_field not in fields else []
    grouping = (["day"] if by_day else []) + fields + extra
    if grouping:
        rows = list(queryset.values(*grouping).annotate(**figures).order_by())
    else:
        rows = [queryset.aggregate(**figures)]
    return [
        DailyRow(
            day=row["day"] if by_day else None,
            value=row[fields[0]] if fields else "",
            label=row[fields[1]] if len(fields) > 1 else "",
            visitors=row["visitors"],
            pageviews=row["pageviews"],
            events=row["events"],
            filter_value=row[split_field] if split_field else "",
        )
        for row in rows
    ]


def session_rows(sessions: list[Session], *, dimension: str, by_day: bool) -> list[DailyRow]:
    """Visits per entry or exit page (and day, and split value)."""
    grouped = session_figures(
        sessions,
        by_day=by_day,
        key=(
            (lambda session: (session.split, session.entry))
            if dimension == ENTRY
            else (lambda session: (session.split, session.exit))
        ),
    )
    return [
        DailyRow(
            day=day,
            value=value,
            label="",
            visitors=figures.visitors,
            pageviews=figures.pageviews,
            events=0,
            sessions=figures.sessions,
            bounces=figures.bounces,
            duration=figures.duration,
            filter_value=part,
        )
        for (day, (part, value)), figures in grouped.items()
    ]


def _with_sessions(
    queryset: QuerySet[Visit], sessions: list[Session], *, tz: ZoneInfo, by_day: bool, split: str
) -> list[DailyRow]:
    """Totals (per day or overall, and split value) with the visits' figures added."""
    plain = daily_rows(queryset, tz=tz, dimension=TOTAL, by_day=by_day, split=split)
    return with_session_figures(plain, sessions, by_day=by_day)


def with_session_figures(
    plain: list[DailyRow], sessions: list[Session], *, by_day: bool
) -> list[DailyRow]:
    """Totals rows with the figures of the visits of their day (and split value) added."""
    grouped = session_figures(sessions, by_day=by_day, key=lambda session: session.split)
    rows = []
    for row in plain:
        figures = grouped.pop((row.day, row.filter_value), None)
        if figures:
            row = replace(
                row,
                sessions=figures.sessions,
                bounces=figures.bounces,
                duration=figures.duration,
            )
        rows.append(row)
    return rows
