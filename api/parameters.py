"""Query parameters of the API: their OpenAPI descriptions, and reading them with a clear 400."""

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import ValidationError

from visits.segments import SEGMENT_PARAMETER, SegmentError, filters_with_segment
from visits.stats.dimensions import DIMENSIONS, PROPERTY


def validation_error(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as the API's 400, field by field when the service named fields."""
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        enum=["day", "yesterday", "7d", "30d", "month", "12mo", "custom"],
        description="default 30d; days follow the site's time zone",
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, with period=custom"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, with period=custom"),
]

FILTER_PARAMETERS = [
    *(
        OpenApiParameter(name, str, description=f"only visits with this {name}")
        for name in DIMENSIONS
    ),
    OpenApiParameter(PROPERTY, str, description="only events with this property: key=value"),
    OpenApiParameter(
        SEGMENT_PARAMETER,
        int,
        description=(
            "the id of one of the site's saved segments: its filters apply, with any filter "
            "given explicitly (which wins over the segment's for the same name); "
            "an unknown segment, or another site's, is a 400"
        ),
    ),
]

RANGE_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="visits at or after"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="visits before"),
]


def bounded_int(raw: str | None, *, default: int, low: int, high: int, name: str) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ValidationError({name: ["Must be a whole number."]}) from error
    if not low <= value <= high:
        raise ValidationError({name: [f"Must be between {low} and {high}."]})
    return value


def datetime_param(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    field = drf_serializers.DateTimeField()
    try:
        return field.to_internal_value(raw)
    except drf_serializers.ValidationError as error:
        raise ValidationError({name: error.detail}) from error


def filters_param(site, params) -> dict[str, str]:
    """The filters of a request: its segment's and its explicit ones; a bad segment is a 400."""
    try:
        return filters_with_segment(site=site, params=params)
    except SegmentError as error:
        raise ValidationError({SEGMENT_PARAMETER: [str(error)]}) from error
