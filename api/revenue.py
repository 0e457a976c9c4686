"""A site's revenue goals in the API: each one's total and average for a period and filters,
and where the money came from, as the dashboard's Goals panel shows them."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, PERIOD_PARAMETERS, filters_param
from api.schema import SCOPES_NOTE
from api.serializers import PeriodSerializer
from visits.stats.revenue import goal_revenue
from visits.stats.revenue_rows import REVENUE_DIMENSIONS

AMOUNT_HELP = 'an exact decimal as text, like "12.50", in the goal\'s currency'


class RevenueRowSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="the dimension's value, as its filter takes it")
    label = serializers.CharField(help_text="a country's name; empty otherwise")
    revenue = serializers.CharField(source="amount", help_text=AMOUNT_HELP)
    events = serializers.IntegerField(help_text="the goal's events with revenue")


class RevenueBreakdownsSerializer(serializers.Serializer):
    referrer_source = RevenueRowSerializer(
        many=True, help_text="by the source of the visitor's first hit of the day (Sources)"
    )
    channel = RevenueRowSerializer(many=True, help_text="by that first hit's channel")
    page = RevenueRowSerializer(many=True, help_text="by the page the event was sent from")
    country = RevenueRowSerializer(many=True, help_text="by the event's country code")
    campaign = RevenueRowSerializer(many=True, help_text="by that first hit's utm_campaign")


class GoalRevenueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="goal_id")
    name = serializers.CharField()
    event = serializers.CharField(help_text="the custom event the goal counts")
    currency = serializers.CharField(help_text="ISO 4217; only revenue in it counts")
    revenue = serializers.CharField(source="amount", help_text=AMOUNT_HELP + ": the total")
    events = serializers.IntegerField(help_text="the goal's events with revenue in its currency")
    average = serializers.CharField(
        help_text="revenue per such event, to the cent (half to even), as text"
    )
    breakdowns = RevenueBreakdownsSerializer()
    other_currencies = serializers.DictField(
        child=serializers.CharField(),
        help_text="the same event's revenue in other currencies, per code: not counted, "
        "never converted",
    )


class RevenueReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    filters = serializers.DictField(child=serializers.CharField())
    goals = GoalRevenueSerializer(many=True)


class SiteRevenueMixin:
    """An action of `SiteViewSet`: the whole team reads it."""

    @extend_schema(
        summary="Revenue of the site's revenue goals",
        description="Each revenue goal (an event goal with a currency) with its total revenue, "
        "the number of its events that carried revenue in the goal's currency, the average, "
        f"and the revenue by {', '.join(REVENUE_DIMENSIONS)} (largest first). Amounts are "
        "exact decimals as text. Scope `read`." + SCOPES_NOTE,
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=RevenueReportSerializer,
    )
    @action(detail=True, methods=["get"])
    def revenue(self, request, pk=None):
        site = self.get_object()
        period, filters = self._period(site), filters_param(site, request.query_params)
        goals = goal_revenue(site=site, period=period, filters=filters, now=timezone.now())
        return Response(
            RevenueReportSerializer({"period": period, "filters": filters, "goals": goals}).data
        )
