"""Text from outside (requests, imports, filters) made safe to store and compare."""

import re

# C0 and C1 control characters, DEL and lone surrogates (which no database encoding accepts):
# never useful in a URL, an event name or a user agent.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str, max_length: int) -> str:
    """Drop control characters, trim surrounding spaces, cut to `max_length`."""
    return _CONTROL_CHARACTERS.sub("", value).strip()[:max_length]
