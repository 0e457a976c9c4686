"""Every panel's rows from one read of the visits, for views no rollup holds.

A view filtered by two filters, by a rarer filter or by a property (no rollup holds those) would
otherwise run one query per panel, each walking the same rows. Here the rows are read
once, only the columns the panels need, and summed in Python by the same rules as `daily_rows`
(the tests compare the two): per local day, visitors being a day's distinct visitor hashes.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import chain
from operator import itemgetter
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
from visits.stats.sessions import ENTRY, EXIT, split_sessions_from_hits

# What one pass can sum: the totals, every dimension a column holds, properties, entry and exit.
PASS_DIMENSIONS = (TOTAL, *DIMENSIONS, PROPERTY, ENTRY, EXIT)


def pass_rows(
    queryset: QuerySet[Visit], *, tz: ZoneInfo, dimensions: tuple[str, ...] = PASS_DIMENSIONS
) -> dict[str, list[DailyRow]]:
    """Rows per day of each of `dimensions` (totals with visit figures), from one query."""
    return split_pass_rows(queryset, tz=tz, dimensions=dimensions)[""]


def pass_rows_and_scroll(
    queryset: QuerySet[Visit], *, tz: ZoneInfo, dimensions: tuple[str, ...] = PASS_DIMENSIONS
) -> tuple[dict[str, list[DailyRow]], dict[tuple, int]]:
    """`pass_rows`, and each page view's deepest scroll from the same query: (local day,
    visitor, path) -> the deepest scroll depth of its engagement pings."""
    split, deepest = _pass(queryset, tz=tz, dimensions=dimensions, splits=("",), scroll=True)
    return split[""], deepest


def split_pass_rows(
    queryset: QuerySet[Visit],
    *,
    tz: ZoneInfo,
    dimensions: tuple[str, ...] = PASS_DIMENSIONS,
    splits: tuple[str, ...] = ("",),
) -> dict[str, dict[str, list[DailyRow]]]:
    """`pass_rows` for each of `splits` (a filter's name, or "" for none) from the same query:
    a split's rows are summed per value of its filter too, exactly as if the queryset were
    filtered by each value in turn, and carry it as `filter_value` (as `daily_rows` does)."""
    return _pass(queryset, tz=tz, dimensions=dimensions, splits=splits, scroll=False)[0]


def _pass(queryset, *, tz: ZoneInfo, dimensions, splits, scroll: bool) -> tuple[dict, dict]:
    wanted = [name for name in dimensions if name in DIMENSIONS]
    need_props = PROPERTY in dimensions
    need_hits = bool({TOTAL, ENTRY, EXIT} & set(dimensions))
    split_fields = {DIMENSIONS[name] for name in splits if name}
    fields = sorted(({DIMENSIONS[name] for name in wanted} | {"country"} | split_fields) - {"path"})
    columns = ("moment", "visitor_hash", "event", "id", "path", "props_text", *fields)
    columns += ("scroll_depth",) if scroll else ()
    deepest: dict[tuple, int] = {}  # (day, visitor, path) -> depth, when `scroll`
    index = {field: position for position, field in enumerate(columns)}
    # (position in each split's groups, column, label column, what leaves a hit out)
    rules = [
        (
            position,
            index[DIMENSIONS[name]],
            index[LABEL_FIELDS[name]] if name in LABEL_FIELDS else None,
            _SKIPS.get(name, _TAGGED if name in TAGGED_ONLY else None),
        )
        for position, name in enumerate(wanted)
    ]
    # A visitor's place and device repeat on each of their hits, a page and where it came from
    # on many: each part's keys are made once per distinct combination of its columns.
    parts = [
        (_picker(part), part, {})
        for part in (
            [rule for rule, name in zip(rules, wanted, strict=True) if DIMENSIONS[name] in side]
            for side in (_VISITOR_FIELDS, set(DIMENSIONS.values()) - _VISITOR_FIELDS)
        )
    ]
    # Per split: its column (None for none) and its groups (see `_groups`) keyed by (day, value
    # of the split).
    states = [
        (index[DIMENSIONS[split]] if split else None, defaultdict(_groups)) for split in splits
    ]
    # Each (day, visitor)'s hits, for forming visits: one list for every split.
    by_visitor: dict[tuple, list] = defaultdict(list)
    totals, props_at = (len(wanted), "", ""), len(wanted) + 1
    # Each distinct (position, value, label) key gets a number once: the sums count numbers,
    # which hash for nothing, where a tuple would be hashed again for every split.
    numbers = {totals: 0}
    local_days = LocalDays(tz)
    for row in _rows(queryset, columns, need_props=need_props):
        moment, visitor, event = row[0], row[1], row[2]
        day = local_days.of(moment)
        if need_hits:
            by_visitor[day, visitor].append(row)
        if event == ENGAGEMENT:
            if scroll and (depth := row[-1]) is not None:
                key = (day, visitor, row[4])
                if depth > deepest.get(key, -1):
                    deepest[key] = depth
            continue
        pageview = event == PAGEVIEW
        slot = 1 if pageview else 2
        # The keys this hit counts under, made once for every split and, per part, once for
        # every distinct combination of the part's values.
        keys = [0]
        for pick, part, made in parts:
            signature = pick(row)
            found = made.get(signature)
            if found is None:
                found = made[signature] = _keys_of(row, part, pageview, numbers)
            keys += found
        if need_props and row[5] not in NO_PROPS:
            keys += [
                numbers.setdefault((props_at, prop_pair(key, str(value)), ""), len(numbers))
                for key, value in json.loads(row[5]).items()
            ]
        # Counted at the end, not key by key: per split, a hit costs two calls in C.
        for split_at, groups in states:
            group = groups[(day, "" if split_at is None else row[split_at])]
            group[0][visitor].update(keys)
            group[slot].append(keys)
    split_columns = tuple(split_at for split_at, _ in states)
    sessions = split_sessions_from_hits(by_visitor, columns=split_columns) if need_hits else None
    keys_numbered = list(numbers)
    return {
        split: _split_rows(
            groups,
            sessions[number] if need_hits else [],
            keys_numbered=keys_numbered,
            dimensions=dimensions,
            wanted=wanted,
        )
        for number, (split, (_, groups)) in enumerate(zip(splits, states, strict=True))
    }, deepest


def _split_rows(
    groups: dict, sessions: list, *, keys_numbered: list, dimensions, wanted
) -> dict[str, list[DailyRow]]:
    """One split's summed groups as rows, with its visits; `keys_numbered[n]` is key n."""
    names = dict(enumerate(wanted))
    names[len(wanted)], names[len(wanted) + 1] = TOTAL, PROPERTY
    result: dict[str, list[DailyRow]] = {
        name: [] for name in dimensions if name not in (ENTRY, EXIT)
    }
    for (day, part), (keys_by_visitor, pageview_keys, event_keys) in groups.items():
        # A key's visitors: the distinct visitors whose hits counted under it that day.
        visitors = Counter(chain.from_iterable(keys_by_visitor.values()))
        pageviews = Counter(chain.from_iterable(pageview_keys))
        events = Counter(chain.from_iterable(event_keys))
        for number, count in visitors.items():
            position, value, label = keys_numbered[number]
            rows = result.get(names[position])
            if rows is not None:
                rows.append(
                    DailyRow(
                        day,
                        value,
                        label,
                        count,
                        pageviews[number],
                        events[number],
                        filter_value=part,
                    )
                )
    if {TOTAL, ENTRY, EXIT} & set(dimensions):
        for name in (ENTRY, EXIT):
            if name in dimensions:
                result[name] = session_rows(sessions, dimension=name, by_day=True)
        if TOTAL in dimensions:
            result[TOTAL] = with_session_figures(result[TOTAL], sessions, by_day=True)
    return result


# What leaves a hit out of a dimension's rows (as `daily_rows` leaves it out).
_EVENTS, _REFERRERS, _TAGGED = "pageviews", "links within the site", "untagged"
_SKIPS = {"event": _EVENTS, **dict.fromkeys(REFERRER_DIMENSIONS, _REFERRERS)}
_VISITOR_FIELDS = {"country_code", "region", "city", "browser", "os", "device", "screen"}


def _picker(rules: list) -> Callable:
    """What tells apart the hits `rules` make different keys for: the columns they read (the
    event rule's column holds the event, which is all its pageview test reads)."""
    columns = {at for _, at, _, _ in rules} | {label for _, _, label, _ in rules if label}
    return itemgetter(*sorted(columns)) if columns else lambda row: ()


def _keys_of(row: tuple, rules: list, pageview: bool, numbers: dict) -> list[int]:
    """The numbers of the keys `rules` count the hit under, new keys numbered as they come."""
    keys = []
    for position, at, label_at, skip in rules:
        value = row[at]
        if skip is _EVENTS:
            if pageview:
                continue
        elif skip is _REFERRERS:
            if value == INTERNAL:
                continue
        elif skip is _TAGGED and value == "":
            continue
        key = (position, value, row[label_at] if label_at else "")
        keys.append(numbers.setdefault(key, len(numbers)))
    return keys


def _groups() -> tuple:
    # Each visitor's keys, then the keys of each pageview and of each other event.
    return defaultdict(set), [], []


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
