"""Every dimension a report breaks down and filters by, in one table: its query parameter, the
visit field that holds it, and the words the dashboard shows for it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from visits.stats.sessions import ENTRY, EXIT

TOTAL = ""  # the rollups' dimension for a day's totals
# Event properties ("key=value"): rolled up and broken down like a dimension, though no single
# column holds them; filtered by `prop=key=value`.
PROPERTY = "prop"


@dataclass(frozen=True)
class Dimension:
    name: str  # the query parameter, the breakdown's name, the rollups' `dimension`
    field: str  # the Visit field that holds it; "" where no single column does
    panel: str  # the dashboard panel's title; "" for none
    label: str  # on the dashboard's filter chips; "" for no filter of its own
    count_label: str = _("Pageviews")
    filters: str = ""  # the filter a panel row sets, when not its own


# In the order the dashboard's panels read.
TABLE = (
    Dimension("page", "path", _("Top pages"), _("Page")),
    Dimension("channel", "channel", _("Channels"), _("Channel")),
    Dimension("referrer_source", "referrer_source", _("Sources"), _("Referrer source")),
    Dimension("referrer", "referrer_domain", _("Referrers"), _("Referrer")),
    Dimension("country", "country_code", _("Countries"), _("Country")),
    Dimension("region", "region", _("Regions"), _("Region")),
    Dimension("city", "city", _("Cities"), _("City")),
    Dimension("browser", "browser", _("Browsers"), _("Browser")),
    Dimension("os", "os", _("Operating systems"), _("OS")),
    Dimension("device", "device", _("Devices"), _("Device")),
    Dimension("screen", "screen", _("Screen sizes"), _("Screen")),
    Dimension("source", "utm_source", _("Campaign sources"), _("Source")),
    Dimension("medium", "utm_medium", _("Campaign media"), _("Medium")),
    Dimension("campaign", "utm_campaign", _("Campaigns"), _("Campaign")),
    Dimension("term", "utm_term", _("Campaign terms"), _("Term")),
    Dimension("content", "utm_content", _("Campaign content"), _("Content")),
    Dimension("event", "event", _("Custom events"), _("Event"), count_label=_("Events")),
    Dimension(PROPERTY, "", _("Event properties"), _("Property"), count_label=_("Events")),
    Dimension(ENTRY, "", _("Entry pages"), "", count_label=_("Visits"), filters="page"),
    Dimension(EXIT, "", _("Exit pages"), "", count_label=_("Visits"), filters="page"),
)
# Query parameter -> Visit field, for the dimensions a column holds.
DIMENSIONS = {dimension.name: dimension.field for dimension in TABLE if dimension.field}
# Everything a breakdown can be asked for: the dimensions, properties, entry and exit pages.
BREAKDOWNS = tuple(dimension.name for dimension in TABLE)
# Rolled up and broken down, though no single column holds them.
DERIVED = tuple(dimension.name for dimension in TABLE if not dimension.field)
PANELS = tuple(dimension for dimension in TABLE if dimension.panel)
FILTER_LABELS = {dimension.name: dimension.label for dimension in TABLE if dimension.label}
FILTER_LABELS["dropped"] = _(
    "Dropped off"
)  # a funnel's visitors who went no further (funnel_filter)
# Where a visit came from: breakdowns leave out links within the site, and `direct` filters
# the visits that came from nowhere.
REFERRER_DIMENSIONS = ("channel", "referrer_source", "referrer")
# Breakdowns of these leave out visits without the tag: most visits come with no campaign.
TAGGED_ONLY = ("source", "medium", "campaign", "term", "content")
SESSION_DIMENSIONS = (ENTRY, EXIT)
# Filters with too many values (or too rarely used) to roll up per value: views filtered by
# them, by a property or by two filters at once read raw visits. Every other filter a column
# holds is rolled up per value (see `FilteredRollup`), so its views cost what they show.
RAW_FILTERS = ("region", "city", "medium", "campaign", "term", "content")
ROLLED_FILTERS = tuple(name for name in DIMENSIONS if name not in RAW_FILTERS)
