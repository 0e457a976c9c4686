"""Every dimension a report breaks down and filters by, in one table: its query parameter, the
visit field that holds it, and the words the dashboard shows for it."""

from dataclasses import dataclass

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
    count_label: str = "Pageviews"
    filters: str = ""  # the filter a panel row sets, when not its own


# In the order the dashboard's panels read.
TABLE = (
    Dimension("page", "path", "Top pages", "Page"),
    Dimension("channel", "channel", "Channels", "Channel"),
    Dimension("referrer_source", "referrer_source", "Sources", "Referrer source"),
    Dimension("referrer", "referrer_domain", "Referrers", "Referrer"),
    Dimension("country", "country_code", "Countries", "Country"),
    Dimension("region", "region", "Regions", "Region"),
    Dimension("city", "city", "Cities", "City"),
    Dimension("browser", "browser", "Browsers", "Browser"),
    Dimension("os", "os", "Operating systems", "OS"),
    Dimension("device", "device", "Devices", "Device"),
    Dimension("screen", "screen", "Screen sizes", "Screen"),
    Dimension("source", "utm_source", "Campaign sources", "Source"),
    Dimension("medium", "utm_medium", "Campaign media", "Medium"),
    Dimension("campaign", "utm_campaign", "Campaigns", "Campaign"),
    Dimension("term", "utm_term", "Campaign terms", "Term"),
    Dimension("content", "utm_content", "Campaign content", "Content"),
    Dimension("event", "event", "Custom events", "Event", count_label="Events"),
    Dimension(PROPERTY, "", "Event properties", "Property", count_label="Events"),
    Dimension(ENTRY, "", "Entry pages", "", count_label="Visits", filters="page"),
    Dimension(EXIT, "", "Exit pages", "", count_label="Visits", filters="page"),
)
# Query parameter -> Visit field, for the dimensions a column holds.
DIMENSIONS = {dimension.name: dimension.field for dimension in TABLE if dimension.field}
# Everything a breakdown can be asked for: the dimensions, properties, entry and exit pages.
BREAKDOWNS = tuple(dimension.name for dimension in TABLE)
# Rolled up and broken down, though no single column holds them.
DERIVED = tuple(dimension.name for dimension in TABLE if not dimension.field)
PANELS = tuple(dimension for dimension in TABLE if dimension.panel)
FILTER_LABELS = {dimension.name: dimension.label for dimension in TABLE if dimension.label}
FILTER_LABELS["dropped"] = "Dropped off"  # a funnel's visitors who went no further (funnel_filter)
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
