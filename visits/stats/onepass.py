"""Every panel's rows from one read of the visits, for views no rollup holds.

A view filtered by two filters, by a rarer filter or by a property (no rollup holds those) would
otherwise run one query per panel, each walking the same rows. Here the rows are read
once, only the columns the panels need, and summed in Python by the same rules as `daily_rows`
(the tests compare the two): per local day, visitors being a day's distinct visitor hashes.
"""

import json
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Cast

from visits.ingest.referrers import INTERNAL
from visits.models import ENGAGEMENT, PAGEVIEW, Visit
from visits.stats.daily_rows import LABEL_FIELDS, DailyRow, session_rows, with_session_figures
from visits.stats.dimensions import (
    DIMENSIONS,
    PROPERTY,
    REFERRER_DIMENSIONS,
    TAGGED_ONLY,
    TOTAL,
)
from visits.stats.epoch import EpochMilliseconds, LocalDays
from visits.stats.properties import NO_PROPS, prop_pair
from visits.stats.sessions import ENTRY, EXIT, sessions_from_hits

# What one pass can sum: the totals, every dimension a column holds, properties, entry and exit.
PASS_DIMENSIONS = (TOTAL, *DIMENSIONS, PROPERTY, ENTRY, EXIT)


def pass_rows(
    queryset: QuerySet[Visit], *, tz: ZoneInfo, dimensions: tuple[str, ...] = PASS_DIMENSIONS
) -> dict[str, list[DailyRow]]:
    """Rows per day of each of `dimensions` (totals with visit figures), from one query."""
    wanted = [name for name in dimensions if name in DIMENSIONS]
    need_props = PROPERTY in dimensions
    need_hits = bool({TOTAL, ENTRY, EXIT} & set(dimensions))
    fields = sorted(({DIMENSIONS[name] for name in wanted} | {"country"}) - {"path"})
    columns = ("moment", "visitor_hash", "event", "id", "path", "props_text", *fields)
    index = {field: position for position, field in enumerate(columns)}
    rules = [
        (
            name,
            index[DIMENSIONS[name]],
            index[LABEL_FIELDS[name]] if name in LABEL_FIELDS else None,
        )
        for name in wanted
    ]
    groups: dict[str, dict[tuple, list]] = {name: defaultdict(_figures) for name in dimensions}
    totals = groups.get(TOTAL)
    hits = []
    local_days = LocalDays(tz)
    for row in _rows(queryset, columns, need_props=need_props):
        moment, visitor, event = row[0], row[1], row[2]
        day = local_days.of(moment)
        if need_hits:
            hits.append((day, visitor, moment, row[3], row[4], event))
        if event == ENGAGEMENT:
            continue
        pageview = event == PAGEVIEW
        slot = 1 if pageview else 2
        # Summed inline: a call per dimension and hit was a third of the time.
        if totals is not None:
            figures = totals[(day, "", "")]
            figures[0].add(visitor)
            figures[slot] += 1
        for name, at, label_at in rules:
            value = row[at]
            if name == "event":
                if pageview:
                    continue
            elif name in REFERRER_DIMENSIONS:
                if value == INTERNAL:
                    continue
            elif name in TAGGED_ONLY and value == "":
                continue
            figures = groups[name][(day, value, row[label_at] if label_at else "")]
            figures[0].add(visitor)
            figures[slot] += 1
        if need_props and row[5] not in NO_PROPS:
            for key, value in json.loads(row[5]).items():
                figures = groups[PROPERTY][(day, prop_pair(key, str(value)), "")]
                figures[0].add(visitor)
                figures[slot] += 1
    result = {
        name: [
            DailyRow(day, value, label, len(figures[0]), figures[1], figures[2])
            for (day, value, label), figures in grouped.items()
        ]
        for name, grouped in groups.items()
        if name not in (ENTRY, EXIT)
    }
    if need_hits:
        sessions = sessions_from_hits(hits)
        for name in (ENTRY, EXIT):
            if name in dimensions:
                result[name] = session_rows(sessions, dimension=name, by_day=True)
        if TOTAL in dimensions:
            result[TOTAL] = with_session_figures(result[TOTAL], sessions, by_day=True)
    return result


def _figures() -> list:
    return [set(), 0, 0]  # visitors, pageviews, other events


def _rows(queryset: QuerySet[Visit], columns: tuple[str, ...], *, need_props: bool):
    """The hits' `columns`, read without Django's per-row conversions: the moment as epoch
    milliseconds, properties as their JSON text (most hits have none, so most are never parsed).
    Fetched in batches from an ordinary cursor: a server-side one lets PostgreSQL plan for the
    first rows, which for a whole period's hits is the slower plan."""
    props = Cast("props", TextField()) if need_props else Value("")
    read = queryset.order_by().annotate(moment=EpochMilliseconds("timestamp"), props_text=props)
    sql, params = read.values_list(*columns).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch
