"""The dashboard's filters: read from a query, applied to a site's visits."""

import json

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from sites.models import Site
from visits.models import Visit
from visits.stats.dimensions import DIMENSIONS, PROPERTY, REFERRER_DIMENSIONS
from visits.stats.properties import prop_filter
from visits.text import clean_text

DROPPED = "dropped"  # see visits.stats.funnel_filter
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


def visits_matching(
    *, site: Site, filters: dict[str, str], sites: list[Site] | None = None
) -> QuerySet[Visit]:
    """A site's visits (or, given `sites`, those of all of them) that match the dashboard
    filters (referrer=direct: no referrer)."""
    lookups = {}
    for name, value in filters.items():
        if name in DIMENSIONS:
            lookups[DIMENSIONS[name]] = filter_column_value(name, value)
    owned = {"site__in": sites} if sites else {"site": site}
    visits = Visit.objects.filter(**owned, **lookups)
    if PROPERTY in filters:
        visits = prop_filter(visits, filters[PROPERTY])
    if DROPPED in filters:
        visits = visits.filter(dropped_condition(filters[DROPPED], using=visits.db))
    return visits


def dropped_condition(value: str, *, using: str) -> Q:
    """The visits of the visitors a resolved `dropped` filter stands for (none for one not
    resolved), as one query parameter however many they are: a long IN list would pass the
    databases' limits on parameters."""
    visitors = sorted(getattr(value, "visitors", ()))
    if connections[using].vendor == "postgresql":
        subquery = RawSQL("SELECT unnest(%s::bigint[])", (visitors,))
    else:
        subquery = RawSQL("SELECT value FROM json_each(%s)", (json.dumps(visitors),))
    return Q(visitor_hash__in=subquery)
