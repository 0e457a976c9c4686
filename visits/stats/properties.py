"""Event properties in reports: each "key=value" pair filtered, broken down and rolled up."""

import json
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import DateField, F, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from visits.stats.local_day import LocalDate

# What a raw row's properties read as when there are none (text on SQLite and when cast).
NO_PROPS = ("", "{}", None)


def props_parsed(props) -> dict:
    """A raw row's properties as a dict, whether they came as JSON text or decoded."""
    if isinstance(props, str):
        return json.loads(props) if props not in NO_PROPS else {}
    return props or {}


def prop_pair(key: str, value: str) -> str:
    return f"{key}={value}"


def prop_filter(queryset: QuerySet, pair: str) -> QuerySet:
    """Visits whose properties hold "key=value" (or just have "key")."""
    key, separator, value = pair.partition("=")
    if not separator:
        return queryset.filter(props__has_key=key)
    # Cast: compared bare, the key's text would be taken for JSON on SQLite.
    text = Cast(KeyTextTransform(key, "props"), output_field=TextField())
    return queryset.alias(_prop_value=text).filter(_prop_value=value)


def property_rows(
    queryset: QuerySet, *, tz: ZoneInfo, by_day: bool, split: str = ""
) -> list[tuple]:
    """(day, "key=value", "", visitors, pageviews, events, sessions, bounces, duration,
    split value) for the properties of some visits; `split` (a Visit field) counts them per
    value of that field as well.

    Only the few visits with properties are read; their pairs are counted here since SQLite
    and PostgreSQL unnest JSON differently."""
    with_props = queryset.exclude(props={})
    if by_day:
        with_props = with_props.annotate(day=LocalDate("timestamp", tzinfo=tz))
    else:
        with_props = with_props.annotate(day=Value(None, output_field=DateField()))
    with_props = with_props.annotate(split=F(split) if split else Value(""))
    values = with_props.values_list("day", "split", "visitor_hash", "event", "props")
    visitors: dict[tuple, set] = defaultdict(set)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for day, part, visitor, event, props in values:
        for key, value in (props or {}).items():
            group = (day, part, prop_pair(key, str(value)))
            # Distinct visitors per day, summed: the same rule as every other figure.
            visitors[group].add((day, visitor))
            counts[group][0 if event == "pageview" else 1] += 1
    return [
        (day, pair, "", len(visitors[(day, part, pair)]), pageviews, events, 0, 0, 0, part)
        for (day, part, pair), (pageviews, events) in counts.items()
    ]
