import zoneinfo

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from sites.base_urls import BASE_URL_MAX_LENGTH, normalize_base_url, normalize_domains
from sites.currencies import RevenueError
from sites.models import SITE_SETTINGS, Annotation, Goal, Segment, Site
from sites.shields import MAX_RULES, NORMALIZERS, RULE_MAX_LENGTH, SHIELD_FIELDS
from visits.ingest.props import PropertyError, props_clean
from visits.ingest.revenue import revenue_clean
from visits.models import (
    EVENT_MAX_LENGTH,
    RECORDED_FIELDS,
    RESERVED_EVENTS,
    URL_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
    Visit,
)
from visits.stats.dimensions import BREAKDOWNS
from visits.stats.filters import FILTER_NAMES


def _shield_list(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=RULE_MAX_LENGTH, allow_blank=True),
        required=False,
        max_length=MAX_RULES,
        help_text=help_text,
    )


class SiteSerializer(serializers.ModelSerializer):
    base_url = serializers.CharField(
        max_length=BASE_URL_MAX_LENGTH, help_text="the site's address; stored as its origin"
    )
    extra_domains = serializers.ListField(
        child=serializers.CharField(max_length=253),
        required=False,
        max_length=20,
        help_text="Other domains whose pages may send visits.",
    )
    timezone = serializers.ChoiceField(
        choices=sorted(zoneinfo.available_timezones()), required=False, default="UTC"
    )
    excluded_ips = _shield_list(
        "Shield: addresses and CIDR ranges (IPv4 or IPv6) whose hits are not stored."
    )
    excluded_countries = _shield_list(
        "Shield: two-letter country codes (from the GeoIP lookup) whose hits are not stored."
    )
    excluded_paths = _shield_list(
        "Shield: page paths whose hits are not stored; * matches anything, like /admin/*."
    )
    excluded_hostnames = _shield_list(
        "Shield: host names whose pages' hits are not stored, like staging.example.com."
    )

    class Meta:
        model = Site
        fields = (
            "id",
            *SITE_SETTINGS,
            "created_at",
        )
        read_only_fields = ("id", "created_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["extra_domains"] = [line for line in instance.extra_domains.split() if line]
        for name in SHIELD_FIELDS:
            data[name] = getattr(instance, name).split()
        return data

    def validate(self, attrs):
        # Shields come as lists and are stored as the site form's text.
        for name, normalize in NORMALIZERS.items():
            if name in attrs:
                try:
                    attrs[name] = normalize("\n".join(attrs[name]))
                except DjangoValidationError as error:
                    raise serializers.ValidationError({name: error.messages}) from error
        return attrs

    def validate_base_url(self, value: str) -> str:
        return normalize_base_url(value)

    def validate_extra_domains(self, value: list[str]) -> str:
        return normalize_domains("\n".join(value))


class TotalsSerializer(serializers.Serializer):
    pageviews = serializers.IntegerField()
    visitors = serializers.IntegerField()
    events = serializers.IntegerField()
    pages_per_visitor = serializers.FloatField()
    visits = serializers.IntegerField(source="sessions", help_text="sessions: 30-minute gaps")
    bounces = serializers.IntegerField(help_text="visits of one pageview and no event")
    bounce_rate = serializers.IntegerField(help_text="percent of visits")
    visit_duration = serializers.IntegerField(help_text="average seconds per visit")
    views_per_visit = serializers.FloatField()


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    previous_first_day = serializers.DateField()
    previous_last_day = serializers.DateField()
    timezone = serializers.CharField(source="tz.key")


class StatsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    filters = serializers.DictField(child=serializers.CharField())
    totals = TotalsSerializer()
    previous = TotalsSerializer()


class PointSerializer(serializers.Serializer):
    bucket = serializers.DateTimeField()
    pageviews = serializers.IntegerField()
    visitors = serializers.IntegerField()


class BreakdownRowSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    visitors = serializers.IntegerField()
    count = serializers.IntegerField(
        help_text="pageviews; events for event and prop; visits for entry and exit"
    )
    bounce_rate = serializers.IntegerField(allow_null=True, help_text="entry and exit only")
    visit_duration = serializers.IntegerField(allow_null=True, help_text="entry and exit only")


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ("id", *RECORDED_FIELDS)


class EventSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=URL_MAX_LENGTH * 4, help_text="the page, http(s)")
    referrer = serializers.CharField(max_length=URL_MAX_LENGTH * 4, required=False, default="")
    event = serializers.CharField(max_length=EVENT_MAX_LENGTH * 4, required=False, default="")
    user_agent = serializers.CharField(
        max_length=USER_AGENT_MAX_LENGTH * 4, help_text="the visitor's"
    )
    ip = serializers.IPAddressField(
        required=False,
        allow_null=True,
        default=None,
        help_text="the visitor's address; located and hashed, never stored",
    )
    props = serializers.DictField(
        required=False,
        default=dict,
        help_text="up to 10 properties: short strings (numbers and true/false become text)",
    )
    revenue = serializers.JSONField(
        required=False,
        default=None,
        help_text=(
            'what a custom event earned: {"amount": "12.50", "currency": "EUR"}; the amount a '
            "non-negative decimal (as text; at most 10 digits before the point and 4 after), the "
            "currency an ISO 4217 code"
        ),
    )

    def validate_props(self, value: dict) -> dict:
        try:
            return props_clean(value)
        except PropertyError as error:
            raise serializers.ValidationError(str(error)) from error

    def validate_revenue(self, value: object) -> object:
        try:
            revenue_clean(value)
        except RevenueError as error:
            raise serializers.ValidationError(str(error)) from error
        return value

    def validate(self, attrs: dict) -> dict:
        if attrs.get("revenue") and attrs.get("event", "") in ("", *RESERVED_EVENTS):
            raise serializers.ValidationError(
                {"revenue": ["Revenue goes with a custom event, like 'purchase'."]}
            )
        return attrs


class EventResultSerializer(serializers.Serializer):
    stored = serializers.BooleanField()
    skipped = serializers.CharField(
        help_text="why not stored: bot, spam, shield (the site's shields), or empty"
    )


DIMENSION_CHOICES = list(BREAKDOWNS)


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ("id", "name", "kind", "value", "currency", "created_at")
        read_only_fields = ("id", "created_at")
        extra_kwargs = {
            "currency": {"help_text": "a revenue goal's ISO 4217 currency (event goals only)"}
        }


class GoalResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField()
    visitors = serializers.IntegerField(help_text="unique visitors who reached it")
    completions = serializers.IntegerField()
    rate = serializers.FloatField(help_text="percent of the period's unique visitors")
    currency = serializers.CharField(help_text="a revenue goal's currency, else empty")
    revenue = serializers.CharField(
        source="revenue.amount",
        allow_null=True,
        default=None,
        help_text='a revenue goal\'s total in its currency, as text ("1234.50"); else null',
    )
    average_revenue = serializers.CharField(
        source="revenue.average",
        allow_null=True,
        default=None,
        help_text="its revenue per event that carried it, to the cent; else null",
    )


class AnnotationSerializer(serializers.ModelSerializer):
    day = serializers.DateField(help_text="the day the note is about, in the site's time zone")
    text = serializers.CharField(max_length=200, help_text="one line, like “new pricing page”")

    class Meta:
        model = Annotation
        fields = ("id", "day", "text", "created_at")
        read_only_fields = ("id", "created_at")


class SegmentSerializer(serializers.ModelSerializer):
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2048),
        help_text=(
            'the dashboard\'s filters by query parameter, like {"country": "DE", '
            f'"device": "mobile"}}; any of: {", ".join(FILTER_NAMES)}'
        ),
    )

    class Meta:
        model = Segment
        fields = ("id", "name", "filters", "created_at")
        read_only_fields = ("id", "created_at")
