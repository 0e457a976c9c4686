"""A site's page performance in the API: each Core Web Vital's 75th percentile and the average
scroll depth, for the site and per page, for a period and filters, as the Performance page
shows them."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, PERIOD_PARAMETERS, filters_param
from api.schema import SCOPES_NOTE
from api.serializers import PeriodSerializer
from visits.stats.performance import MAX_PAGES, METRICS, performance_report


class VitalSerializer(serializers.Serializer):
    p75 = serializers.FloatField(
        allow_null=True, help_text="the 75th percentile (nearest rank); null: nothing measured"
    )
    rating = serializers.CharField(
        help_text='"good", "needs improvement" or "poor" by Google\'s thresholds; "" for none'
    )
    samples = serializers.IntegerField(help_text="page views that measured it")


class VitalsSerializer(serializers.Serializer):
    lcp = VitalSerializer(help_text="largest contentful paint, ms")
    inp = VitalSerializer(help_text="interaction to next paint (the slowest interaction), ms")
    cls = VitalSerializer(help_text="cumulative layout shift, a score")
    fcp = VitalSerializer(help_text="first contentful paint, ms")
    ttfb = VitalSerializer(help_text="time to first byte, ms")

    def to_representation(self, instance):
        return {vital.metric.name: VitalSerializer(vital).data for vital in instance}


class PerformanceRowSerializer(serializers.Serializer):
    page = serializers.CharField(help_text='the path; "" for the whole site')
    page_views = serializers.IntegerField(help_text="engagement pings that measured anything")
    scroll_depth = serializers.IntegerField(
        allow_null=True, help_text="the average deepest point reached, in percent of the page"
    )
    vitals = VitalsSerializer()


class PerformanceReportSerializer(serializers.Serializer):
    period = PeriodSerializer()
    filters = serializers.DictField(child=serializers.CharField())
    site = PerformanceRowSerializer()
    pages = PerformanceRowSerializer(many=True)


THRESHOLDS = "; ".join(
    f"{metric.name} {metric.good}/{metric.poor}{' ' + metric.unit if metric.unit else ''}"
    for metric in METRICS
)


class SitePerformanceMixin:
    """An action of `SiteViewSet`: the whole team reads it."""

    @extend_schema(
        summary="Page performance: Core Web Vitals and scroll depth",
        description="The 75th percentile (nearest rank) of each Core Web Vital the snippet "
        "measured in visitors' browsers (lcp, inp, fcp and ttfb in milliseconds, cls a score), "
        "rated by Google's thresholds (good up to the first, poor above the second: "
        f"{THRESHOLDS}), and the average scroll depth in percent, for the whole site and for "
        f"its {MAX_PAGES} most measured pages. Scope `read`." + SCOPES_NOTE,
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=PerformanceReportSerializer,
    )
    @action(detail=True, methods=["get"])
    def performance(self, request, pk=None):
        site = self.get_object()
        period, filters = self._period(site), filters_param(site, request.query_params)
        report = performance_report(site=site, period=period, filters=filters)
        return Response(
            PerformanceReportSerializer(
                {"period": period, "filters": filters, "site": report.site, "pages": report.pages}
            ).data
        )
