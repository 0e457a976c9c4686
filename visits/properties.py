"""Event properties: a few short strings a custom event carries (`{"plan": "pro"}`).

Reports treat each "key=value" pair like a dimension value: broken down, filtered, rolled up.
Too many properties, an unusable key or a nested value is refused; a long value is cut.
"""

import json
import re
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate

MAX_PROPERTIES = 10
KEY_MAX_LENGTH = 40
VALUE_MAX_LENGTH = 500
# Letters, digits, spaces and a few separators: no "=" (it joins key and value in reports).
_KEY = re.compile(r"^[\w .:/\-]+$")


class PropertyError(ValueError):
    """Properties that can't be stored; the message says why, for a 400."""


def props_clean(raw: object, *, clean) -> dict[str, str]:
    """Validated properties from a dict or its JSON text; values cleaned with
    `clean(text, max_length)`. Empty values are dropped."""
    if raw in (None, "", {}):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise PropertyError("'props' must be a JSON object.") from exc
    if not isinstance(raw, dict):
        raise PropertyError("'props' must be an object of strings.")
    if len(raw) > MAX_PROPERTIES:
        raise PropertyError(f"An event carries at most {MAX_PROPERTIES} properties.")
    props = {}
    for key, value in raw.items():
        key = clean(str(key), KEY_MAX_LENGTH + 1)
        if not key or len(key) > KEY_MAX_LENGTH or not _KEY.match(key):
            raise PropertyError(
                f"Property names are 1 to {KEY_MAX_LENGTH} letters, digits, spaces or . : / _ -."
            )
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        elif not isinstance(value, str):
            raise PropertyError(f"Property '{key}' must be a string, a number or true/false.")
        value = clean(value, VALUE_MAX_LENGTH)
        if value:
            props[key] = value
    return props


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


def property_rows(queryset: QuerySet, *, tz: ZoneInfo, by_day: bool) -> list[tuple]:
    """(day, "key=value", "", visitors, pageviews, events) for the properties of some visits.

    Only the few visits with properties are read; their pairs are counted here since SQLite
    and PostgreSQL unnest JSON differently."""
    with_props = queryset.exclude(props={})
    if by_day:
        with_props = with_props.annotate(day=TruncDate("timestamp", tzinfo=tz))
        values = with_props.values_list("day", "visitor_hash", "event", "props")
    else:
        values = ((None, *row) for row in with_props.values_list("visitor_hash", "event", "props"))
    visitors: dict[tuple, set] = defaultdict(set)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for day, visitor, event, props in values:
        for key, value in (props or {}).items():
            group = (day, prop_pair(key, str(value)))
            # Distinct visitors per day, summed: the same rule as every other figure.
            visitors[group].add((day, visitor))
            counts[group][0 if event == "pageview" else 1] += 1
    return [
        (day, pair, "", len(visitors[(day, pair)]), pageviews, events)
        for (day, pair), (pageviews, events) in counts.items()
    ]
