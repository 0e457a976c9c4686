"""A site's funnels and experiments in the API: defining them, and their reports for a period
and filters, as their pages show them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, PERIOD_PARAMETERS, validation_error
from api.serializers import PeriodSerializer
from sites.funnel_services import experiment_create, experiment_delete, funnel_create, funnel_delete
from sites.models import FUNNEL_MAX_STEPS, FUNNEL_MIN_STEPS, Experiment, Funnel, FunnelStep
from visits.stats.experiments import MIN_CONVERSIONS, MIN_VISITORS, experiment_report
from visits.stats.filters import stats_filters_from
from visits.stats.funnels import funnel_report


class FunnelStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = FunnelStep
        fields = ("kind", "value", "prop_key", "prop_value")
        extra_kwargs = {
            "kind": {"help_text": "page: a path (`*` a wildcard); event: a custom event's name"},
            "prop_key": {"help_text": "events only: a property the event must carry"},
            "prop_value": {"help_text": "the property's value; empty: any value"},
        }


class FunnelSerializer(serializers.ModelSerializer):
    steps = FunnelStepSerializer(
        many=True,
        min_length=FUNNEL_MIN_STEPS,
        max_length=FUNNEL_MAX_STEPS,
        help_text=f"{FUNNEL_MIN_STEPS} to {FUNNEL_MAX_STEPS} steps, in order",
    )

    class Meta:
        model = Funnel
        fields = ("id", "name", "steps", "created_at")
        read_only_fields = ("id", "created_at")


class FunnelStepResultSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    label = serializers.CharField()
    kind = serializers.CharField()
    visitors = serializers.IntegerField(
        help_text="visitors who reached this step after every step before it, in one visit"
    )
    from_first = serializers.FloatField(help_text="percent of the first step's visitors")
    from_previous = serializers.FloatField(help_text="percent of the previous step's visitors")
    dropped = serializers.IntegerField(help_text="the previous step's visitors who did not")
    dropped_rate = serializers.FloatField(help_text="percent of the previous step's visitors")


class FunnelReportSerializer(serializers.Serializer):
    funnel = FunnelSerializer()
    period = PeriodSerializer()
    filters = serializers.DictField(child=serializers.CharField())
    steps = FunnelStepResultSerializer(many=True)


class ExperimentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Experiment
        fields = ("id", "name", "variant_property", "control", "goal", "created_at")
        read_only_fields = ("id", "created_at")
        extra_kwargs = {"goal": {"help_text": "the id of one of the site's goals"}}

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if site is not None:
            self.fields["goal"].queryset = site.goals.all()


class VariantSerializer(serializers.Serializer):
    variant = serializers.CharField()
    control = serializers.BooleanField()
    visitors = serializers.IntegerField(help_text="visitors shown this variant")
    conversions = serializers.IntegerField(help_text="of them, those who reached the goal after")
    rate = serializers.FloatField(help_text="conversion rate, percent")
    low = serializers.FloatField(help_text="the rate's 95% Wilson interval, lower end, percent")
    high = serializers.FloatField(help_text="the rate's 95% Wilson interval, upper end, percent")
    uplift = serializers.FloatField(
        allow_null=True, help_text="percent change of the rate against the control's"
    )
    p_value = serializers.FloatField(
        allow_null=True, help_text="two-sided two-proportion z-test against the control"
    )
    verdict = serializers.CharField()


class ExperimentReportSerializer(serializers.Serializer):
    experiment = ExperimentSerializer()
    period = PeriodSerializer()
    filters = serializers.DictField(child=serializers.CharField())
    variants = VariantSerializer(many=True, source="report.rows")
    verdict = serializers.CharField(source="report.verdict")
    winner = serializers.CharField(
        source="report.winner", help_text="the winning variant; empty until one is clear"
    )
    min_visitors = serializers.IntegerField(help_text="per variant, before a winner is called")
    min_conversions = serializers.IntegerField(help_text="per variant, before a winner is called")


REPORT_PARAMETERS = PERIOD_PARAMETERS + FILTER_PARAMETERS


class SiteConversionsMixin:
    """Actions of `SiteViewSet`; `get_object` finds the site with the role it needs (viewers
    read, managers and the owner add and remove)."""

    @extend_schema(
        methods=["GET"], summary="The site's funnels", responses=FunnelSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a funnel",
        description="2 to 8 ordered steps, each a page path (`*` a wildcard) or a custom "
        "event, optionally with a property `prop_key`=`prop_value`.",
        request=FunnelSerializer,
        responses={201: FunnelSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def funnels(self, request, pk=None):
        site = self.get_object()
        if request.method == "GET":
            funnels = site.funnels.prefetch_related("steps")
            return Response(FunnelSerializer(funnels, many=True).data)
        incoming = FunnelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            funnel = funnel_create(
                site=site,
                name=incoming.validated_data["name"],
                steps=incoming.validated_data["steps"],
            )
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return Response(FunnelSerializer(funnel).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="A funnel's report",
        description="For each step, the visitors who reached it after every step before it "
        "within one visit (no 30-minute pause), the conversion from the first and the "
        "previous step, and the drop-off, for the period and filters.",
        parameters=REPORT_PARAMETERS,
        responses=FunnelReportSerializer,
    )
    @extend_schema(methods=["DELETE"], summary="Remove a funnel", responses={204: None})
    @action(detail=True, methods=["get", "delete"], url_path=r"funnels/(?P<funnel_id>[0-9]+)")
    def funnel(self, request, pk=None, funnel_id=None):
        site = self.get_object()
        funnel = get_object_or_404(site.funnels, pk=funnel_id)
        if request.method == "DELETE":
            funnel_delete(funnel=funnel)
            return Response(status=status.HTTP_204_NO_CONTENT)
        period, filters = self._period(site), stats_filters_from(request.query_params)
        steps = funnel_report(site=site, funnel=funnel, period=period, filters=filters)
        return Response(
            FunnelReportSerializer(
                {"funnel": funnel, "period": period, "filters": filters, "steps": steps}
            ).data
        )

    @extend_schema(
        methods=["GET"], summary="The site's experiments", responses=ExperimentSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an experiment",
        description="`variant_property` names the custom events' property that carries the "
        "variant a visitor was shown; `control` is the variant the others are compared with; "
        "`goal` one of the site's goals.",
        request=ExperimentSerializer,
        responses={201: ExperimentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def experiments(self, request, pk=None):
        site = self.get_object()
        if request.method == "GET":
            return Response(ExperimentSerializer(site.experiments.all(), many=True).data)
        incoming = ExperimentSerializer(data=request.data, site=site)
        incoming.is_valid(raise_exception=True)
        try:
            experiment = experiment_create(site=site, **incoming.validated_data)
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return Response(ExperimentSerializer(experiment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="An experiment's report",
        description="Per variant: visitors, conversions, conversion rate with its 95% Wilson "
        "interval, uplift against the control and a two-sided p-value (two-proportion "
        f"z-test), and a verdict. No winner before {MIN_VISITORS} visitors and "
        f"{MIN_CONVERSIONS} conversions per variant compared, nor while p >= 0.05.",
        parameters=REPORT_PARAMETERS,
        responses=ExperimentReportSerializer,
    )
    @extend_schema(methods=["DELETE"], summary="Remove an experiment", responses={204: None})
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path=r"experiments/(?P<experiment_id>[0-9]+)",
    )
    def experiment(self, request, pk=None, experiment_id=None):
        site = self.get_object()
        experiment = get_object_or_404(site.experiments.select_related("goal"), pk=experiment_id)
        if request.method == "DELETE":
            experiment_delete(experiment=experiment)
            return Response(status=status.HTTP_204_NO_CONTENT)
        period, filters = self._period(site), stats_filters_from(request.query_params)
        report = experiment_report(site=site, experiment=experiment, period=period, filters=filters)
        data = {
            "experiment": experiment,
            "period": period,
            "filters": filters,
            "report": report,
            "min_visitors": MIN_VISITORS,
            "min_conversions": MIN_CONVERSIONS,
        }
        return Response(ExperimentReportSerializer(data).data)
