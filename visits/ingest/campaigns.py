"""Campaign tags read from a page's URL, and the screen-size class of a viewport width."""

from urllib.parse import parse_qsl, urlsplit

from visits.text import clean_text

CAMPAIGN_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
CAMPAIGN_MAX_LENGTH = 100
# Sources some sites use instead of utm_source (?ref=producthunt).
SOURCE_ALIASES = ("source", "ref")
# Upper bounds (exclusive) of CSS-pixel viewport widths per class.
SCREEN_CLASSES = (("mobile", 576), ("tablet", 992), ("laptop", 1440), ("desktop", 100_001))
SCREEN_MAX_WIDTH = 100_000


def campaign_from_url(url: str) -> dict[str, str]:
    """The utm_* tags of a page URL: names in any letter case, the first of duplicates,
    values decoded and cleaned; `ref`/`source` stand in
    for a missing utm_source."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return dict.fromkeys(CAMPAIGN_FIELDS, "")
    found: dict[str, str] = {}
    for name, value in parse_qsl(
        query, keep_blank_values=False, errors="replace", max_num_fields=200
    ):
        name = name.strip().lower()
        if (name in CAMPAIGN_FIELDS or name in SOURCE_ALIASES) and name not in found:
            cleaned = clean_text(value, CAMPAIGN_MAX_LENGTH)
            if cleaned:
                found[name] = cleaned
    if "utm_source" not in found:
        found["utm_source"] = next((found[alias] for alias in SOURCE_ALIASES if alias in found), "")
    return {field: found.get(field, "") for field in CAMPAIGN_FIELDS}


def screen_class(width: object) -> str:
    """'mobile', 'tablet', 'laptop' or 'desktop' for a viewport width; '' when unusable."""
    try:
        pixels = int(str(width).strip())
    except (TypeError, ValueError):
        return ""
    if not 0 < pixels <= SCREEN_MAX_WIDTH:
        return ""
    return next(name for name, below in SCREEN_CLASSES if pixels < below)
