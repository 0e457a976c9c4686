"""The dashboard's cards: which panels share a card, as tabs."""

from django.utils.translation import gettext_lazy as _

# The dashboard's cards, each a row of tabs over panels; a panel not named here gets its own.
PANEL_GROUPS = (
    (
        _("Sources"),
        (
            *("channel", "referrer_source", "referrer"),
            *("source", "medium", "campaign", "term", "content"),  # the campaign tags
        ),
    ),
    (_("Pages"), ("page", "entry", "exit")),
    (_("Locations"), ("map", "country", "region", "city")),
    (_("Devices"), ("browser", "os", "device", "screen")),
    (_("Events"), ("event", "prop")),
)


def grouped_panels(panels: list[dict]) -> list[dict]:
    by_name = {panel["dimension"]: panel for panel in panels}
    groups = [
        {"title": title, "panels": [by_name[name] for name in names if name in by_name]}
        for title, names in PANEL_GROUPS
    ]
    grouped = {name for _, names in PANEL_GROUPS for name in names}
    groups += [
        {"title": panel["title"], "panels": [panel]}
        for panel in panels
        if panel["dimension"] not in grouped
    ]
    return [group for group in groups if group["panels"]]
