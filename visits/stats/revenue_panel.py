"""The dashboard's revenue tabs: each revenue goal's figures as rows that filter the page."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from visits.stats.labels import filter_value_label
from visits.stats.revenue import GoalRevenue

TAB_TITLES = {
    "referrer_source": _("Sources"),
    "channel": _("Channels"),
    "page": _("Pages"),
    "country": _("Countries"),
    "campaign": _("Campaigns"),
}
ROWS_SHOWN = 10


def revenue_panels(figures: list[GoalRevenue], *, link: Callable[..., str]) -> list[dict]:
    """Per revenue goal: its figures and, per dimension, its top rows with filter links."""
    panels = []
    for goal in figures:
        tabs = []
        for dimension, title in TAB_TITLES.items():
            rows = goal.breakdowns.get(dimension, [])[:ROWS_SHOWN]
            top = max((row.amount for row in rows), default=0) or 1
            tabs.append(
                {
                    "id": f"revenue-{goal.goal_id}-{dimension}",
                    "title": title,
                    "rows": [
                        {
                            "label": row.label or filter_value_label(dimension, row.value),
                            "href": link(**{dimension: row.value}),
                            "amount": row.amount,
                            "events": row.events,
                            "share": int(100 * row.amount / top),
                        }
                        for row in rows
                    ],
                }
            )
        panels.append({"goal": goal, "tabs": tabs})
    return panels
