"""The headline figures of a period against the one before, as dashboard and digest show them."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from visits.stats.totals import Totals


def change_percent(current: float, previous: float) -> int | None:
    """Percent change against the previous period; None when there is nothing to compare."""
    if not previous:
        return None
    return round((current - previous) * 100 / previous)


def change_points(current: float, previous: float, previous_count: int) -> int | None:
    """A rate's change in percentage points (50% -> 55% is +5); None without a previous rate."""
    if not previous_count:
        return None
    return round(current - previous)


# Headline figures where a rise is bad news: their change is coloured the other way round.
LOWER_IS_BETTER = (_("Bounce rate"),)
# Headline figures that are rates: their change is in points, not a percent of a percent.
IN_POINTS = (_("Bounce rate"),)


def duration_label(seconds: int) -> str:
    """'0s', '45s', '9m 18s', '1h 5m' in English; the units follow the active language."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return gettext("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": minutes}
    if minutes:
        return gettext("%(minutes)dm %(seconds)ds") % {"minutes": minutes, "seconds": seconds}
    return gettext("%(seconds)ds") % {"seconds": seconds}


def headline_figures(totals: Totals, previous: Totals) -> list[tuple[str, object, int | None]]:
    """(label, value to show, change vs the previous period) for the headline cards: a percent
    change, or points for the figures IN_POINTS."""
    return [
        (_("Unique visitors"), totals.visitors, change_percent(totals.visitors, previous.visitors)),
        (_("Visits"), totals.sessions, change_percent(totals.sessions, previous.sessions)),
        (_("Pageviews"), totals.pageviews, change_percent(totals.pageviews, previous.pageviews)),
        (
            _("Views per visit"),
            totals.views_per_visit,
            change_percent(totals.views_per_visit, previous.views_per_visit),
        ),
        (
            _("Bounce rate"),
            f"{totals.bounce_rate}%",
            change_points(totals.bounce_rate, previous.bounce_rate, previous.sessions),
        ),
        (
            _("Visit duration"),
            duration_label(totals.visit_duration),
            change_percent(totals.visit_duration, previous.visit_duration),
        ),
        (_("Events"), totals.events, change_percent(totals.events, previous.events)),
    ]
