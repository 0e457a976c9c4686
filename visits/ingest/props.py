"""Event properties: a few short strings a custom event carries (`{"plan": "pro"}`).

Reports treat each "key=value" pair like a dimension value: broken down, filtered, rolled up.
Too many properties, an unusable key or a nested value is refused; a long value is cut.
"""

import json
import re

from visits.text import clean_text

MAX_PROPERTIES = 10
KEY_MAX_LENGTH = 40
VALUE_MAX_LENGTH = 500
# Letters, digits, spaces and a few separators: no "=" (it joins key and value in reports).
_KEY = re.compile(r"^[\w .:/\-]+$")


class PropertyError(ValueError):
    """Properties that can't be stored; the message says why, for a 400."""


def props_clean(raw: object) -> dict[str, str]:
    """Validated properties from a dict or its JSON text, values cleaned; empty ones dropped."""
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
        key = clean_text(str(key), KEY_MAX_LENGTH + 1)
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
        value = clean_text(value, VALUE_MAX_LENGTH)
        if value:
            props[key] = value
    return props
