"""What an engagement ping measured about its page view: the deepest point scrolled to and the
Core Web Vitals. Every value is hostile: a number out of range is clamped (scroll depth) or
dropped (timings), anything else is ignored; none of it ever refuses the hit."""

import math

from visits.models import ENGAGEMENT, ENGAGEMENT_FIELDS

# The beacon parameter for each column: the timings keep their web-vitals names.
PARAMETERS = {"scroll": "scroll_depth", "lcp": "lcp", "inp": "inp", "cls": "cls", "fcp": "fcp",
              "ttfb": "ttfb"}  # fmt: skip
MAX_MILLISECONDS = 10 * 60 * 1000  # a timing past ten minutes is no page load's
MAX_CLS = 100.0  # far beyond any real page's score (0.25 is already "poor")
NUMBER_MAX_LENGTH = 32


def _number(raw: object) -> float | None:
    """A finite number from a JSON number or its text, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        if len(raw) > NUMBER_MAX_LENGTH:
            return None
        try:
            raw = float(raw)
        except ValueError:
            return None
    if not isinstance(raw, int | float):
        return None
    try:
        value = float(raw)
    except OverflowError:  # an int too large for a float
        return None
    return value if math.isfinite(value) else None


def _clean(column: str, raw: object) -> int | float | None:
    value = _number(raw)
    if value is None or value < 0:
        return None
    if column == "scroll_depth":
        return min(round(value), 100)  # rounding may overshoot the bottom by a pixel
    if column == "cls":
        return round(value, 4) if value <= MAX_CLS else None
    return round(value) if value <= MAX_MILLISECONDS else None


def metrics_clean(*, event: str, parameters: dict) -> dict[str, int | float | None]:
    """The engagement columns of a hit: the sent values cleaned on an engagement ping, all None
    on any other hit (a pageview carries no such measurements)."""
    metrics = dict.fromkeys(ENGAGEMENT_FIELDS)
    if event != ENGAGEMENT:
        return metrics
    for name, column in PARAMETERS.items():
        metrics[column] = _clean(column, parameters.get(name))
    return metrics
