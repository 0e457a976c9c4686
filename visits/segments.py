"""Saved segments: a site's named sets of dashboard filters, validated against the filters
there are, and read back wherever filters are (`segment=<id>` beside explicit filters)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from sites.models import Segment, Site
from visits.stats.filters import FILTER_NAMES, stats_filters_from
from visits.text import clean_text

MAX_SEGMENTS_PER_SITE = 100
SEGMENT_PARAMETER = "segment"


class SegmentError(ValueError):
    """A `segment` parameter that names no segment of this site."""


def segment_filters_clean(filters) -> dict[str, str]:
    """The filters of a new segment, each a known filter with a text value; at least one."""
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Give the filters as an object of name: value.")]})
    unknown = sorted(str(name) for name in filters if name not in FILTER_NAMES)
    if unknown:
        raise ValidationError(
            {
                "filters": [
                    f"Unknown filter {', '.join(unknown)}; use any of: {', '.join(FILTER_NAMES)}."
                ]
            }
        )
    if not all(isinstance(value, str) for value in filters.values()):
        raise ValidationError({"filters": ["Each filter's value is text."]})
    cleaned = stats_filters_from(filters)
    if not cleaned:
        raise ValidationError({"filters": ["A segment needs at least one filter."]})
    return cleaned


@transaction.atomic
def segment_create(
    *, site: Site, name: str, filters: dict, created_by: User | None = None
) -> Segment:
    """Save a named set of filters for the site's whole team (at most MAX_SEGMENTS_PER_SITE)."""
    if site.segments.count() >= MAX_SEGMENTS_PER_SITE:
        raise ValidationError(
            _("A site can have at most %(count)s segments.") % {"count": MAX_SEGMENTS_PER_SITE}
        )
    segment = Segment(
        site=site,
        name=" ".join(clean_text(name, 200).split()),
        filters=segment_filters_clean(filters),
        created_by=created_by,
    )
    segment.full_clean()
    segment.save()
    return segment


def segment_delete(*, segment: Segment) -> None:
    segment.delete()


def segment_list_for(*, site: Site) -> QuerySet[Segment]:
    return site.segments.order_by("name", "id")


def segment_filters(segment: Segment) -> dict[str, str]:
    """A segment's filters as the figures take them (only known names and text values, should
    the stored ones have been edited by hand)."""
    stored = segment.filters if isinstance(segment.filters, dict) else {}
    return stats_filters_from({k: v for k, v in stored.items() if isinstance(v, str)})


def filters_with_segment(*, site: Site, params) -> dict[str, str]:
    """The filters of a query: its `segment`'s, then its explicit ones (which win for the same
    name). An unknown segment, or another site's, is a SegmentError."""
    filters = stats_filters_from(params)
    raw = (params.get(SEGMENT_PARAMETER) or "").strip()
    if not raw:
        return filters
    # A bigint's digits at most: a longer number would overflow the database's id column.
    is_id = raw.isascii() and raw.isdigit() and len(raw) <= 18
    segment = site.segments.filter(pk=int(raw)).first() if is_id else None
    if segment is None:
        raise SegmentError(f"No segment {raw[:20]!r} on this site.")
    return {**segment_filters(segment), **filters}
