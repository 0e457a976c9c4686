"""The dashboard's filters: read from a query, applied to a site's visits."""

from django.db.models import QuerySet

from sites.models import Site
from visits.models import Visit
from visits.stats.dimensions import DIMENSIONS, PROPERTY, REFERRER_DIMENSIONS
from visits.stats.properties import prop_filter
from visits.text import clean_text

DIRECT = "direct"  # the referrer and referrer_source filters' value for visits without one


FILTER_MAX_LENGTH = 2048
# Every filter's query parameter, in the order the chips show them.
FILTER_NAMES = (*DIMENSIONS, PROPERTY)


def stats_filters_from(params) -> dict[str, str]:
    """The dashboard filters in a query dict; unknown keys and empty values are ignored."""
    filters = {}
    for name in FILTER_NAMES:
        value = clean_text(params.get(name) or "", FILTER_MAX_LENGTH)
        if value:
            filters[name] = value
    return filters


def filter_column_value(name: str, value: str) -> str:
    """What the filter's column holds for a filter value (referrer=direct and
    referrer_source=direct: no referrer)."""
    direct = name in REFERRER_DIMENSIONS and name != "channel" and value == DIRECT
    return "" if direct else value


def visits_matching(*, site: Site, filters: dict[str, str]) -> QuerySet[Visit]:
    """A site's visits that match the dashboard filters (referrer=direct: no referrer)."""
    lookups = {}
    for name, value in filters.items():
        if name in DIMENSIONS:
            lookups[DIMENSIONS[name]] = filter_column_value(name, value)
    visits = Visit.objects.filter(site=site, **lookups)
    if PROPERTY in filters:
        visits = prop_filter(visits, filters[PROPERTY])
    return visits
