"""The funnel, experiment and journey reports: thin views over `visits.stats.funnels`,
`visits.stats.experiments` and `visits.stats.journeys`, for the dashboard's period and filters.

Each report is written once (`FunnelReport`, ...) and served twice: to the site's team
(`FunnelReportView`, through `SiteMixin`) and read-only behind a shared link
(`SharedFunnelReportView`, through `SharedLinkMixin`), whose links lead to the shared dashboard."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sites.access import SiteMixin
from sites.models import Experiment, Funnel, FunnelStep
from visits.stats.dimensions import FILTER_LABELS
from visits.stats.experiments import MIN_CONVERSIONS, MIN_VISITORS, experiment_report
from visits.stats.filters import stats_filters_from
from visits.stats.funnels import funnel_chart, funnel_report
from visits.stats.journeys import (
    MAX_STEPS,
    MIN_STEPS,
    JourneyError,
    JourneyParams,
    journey_params,
    journey_report,
)
from visits.stats.labels import filter_value_label
from visits.stats.periods import (
    DEFAULT_PERIOD,
    PERIODS,
    PeriodError,
    period_from_params,
    period_resolve,
)
from visits.stats.shared_access import SharedLinkMixin
from visits.stats.words import in_sentence


def _query(state: dict, **changes) -> str:
    merged = {**state, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value})


class ReportPage(TemplateView):
    """A report of one of `self.site`'s funnels or experiments, with the dashboard's period
    picker and filter chips; a period it cannot read is a 400 showing the default one."""

    shared = False

    def dashboard_url(self) -> str:
        return reverse("visits:dashboard", kwargs={"site_id": self.site.pk})

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["period_error"] else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site, params, now = self.site, self.request.GET, timezone.now()
        period_error = ""
        try:
            period = period_from_params(params, tz_name=site.timezone, now=now)
        except PeriodError as error:
            period_error = str(error)
            period = period_resolve(key=DEFAULT_PERIOD, tz_name=site.timezone, now=now)
        filters = stats_filters_from(params)
        state = {"period": period.key, **filters}
        if period.key == "custom":
            state.update({"from": period.first_day.isoformat(), "to": period.last_day.isoformat()})
        context.update(
            site=site,
            period=period,
            period_error=period_error,
            filters=filters,
            state=state,
            shared=self.shared,
            dashboard=self.dashboard_url(),
            dashboard_link=self.dashboard_url() + _query(state),
            periods=[
                (key, label, _query(state, period=key, **{"from": None, "to": None}))
                for key, label in PERIODS.items()
                if key != "custom"
            ],
            filter_chips=[
                (
                    FILTER_LABELS[name],
                    filter_value_label(name, value),
                    _query(state, **{name: None}),
                )
                for name, value in filters.items()
            ],
        )
        return context


class FunnelReport(ReportPage):
    template_name = "visits/funnel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        funnel = get_object_or_404(Funnel, pk=self.kwargs["funnel_id"], site=self.site)
        steps = {step.position: step for step in funnel.steps.all()}
        rows = funnel_report(
            site=self.site, funnel=funnel, period=context["period"], filters=context["filters"]
        )
        state, dashboard = context["state"], context["dashboard"]
        context.update(
            title=_("%(name)s: %(period)s")
            % {"name": funnel.name, "period": in_sentence(context["period"].label)},
            funnel=funnel,
            rows=[
                (
                    row,
                    dashboard + _query(state, **_step_filter(steps[row.position])),
                    dashboard + _query(state, dropped=f"{funnel.pk}.{row.position}"),
                )
                for row in rows
            ],
            widest=max((row.visitors for row in rows), default=0) or 1,
            chart=funnel_chart(rows),
        )
        return context


def _step_filter(step: FunnelStep) -> dict[str, str]:
    """The dashboard filter that shows a step's visitors, as near as its filters go: a page
    pattern with `*` has no filter of its own, so it leaves the dashboard as it is."""
    if step.kind == FunnelStep.Kind.EVENT:
        prop = f"{step.prop_key}={step.prop_value}" if step.prop_value else step.prop_key
        return {"event": step.value, "prop": prop}
    return {} if "*" in step.value else {"page": step.value}


class ExperimentReport(ReportPage):
    template_name = "visits/experiment.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        experiment = get_object_or_404(
            Experiment.objects.select_related("goal"),
            pk=self.kwargs["experiment_id"],
            site=self.site,
        )
        report = experiment_report(
            site=self.site,
            experiment=experiment,
            period=context["period"],
            filters=context["filters"],
        )
        context.update(
            title=_("%(name)s: %(period)s")
            % {"name": experiment.name, "period": in_sentence(context["period"].label)},
            experiment=experiment,
            report=report,
            min_visitors=MIN_VISITORS,
            min_conversions=MIN_CONVERSIONS,
        )
        return context


class JourneyReport(ReportPage):
    """The most common paths from an entry page or towards an exit page; parameters it cannot
    read are a 400 with the message, showing no paths."""

    template_name = "visits/journeys.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        bad = context["period_error"] or context["journey_error"]
        return self.render_to_response(context, status=400 if bad else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        journey_error, report = "", None
        try:
            params = journey_params(self.request.GET)
        except JourneyError as error:
            journey_error, params = str(error), JourneyParams()
        else:
            report = journey_report(
                site=self.site, period=context["period"], filters=context["filters"], params=params
            )
        state, dashboard = context["state"], context["dashboard"]
        # The period links and filter chips keep the journey's own parameters.
        kept = {"entry": params.entry, "exit": params.exit, "steps": str(params.steps)}
        context["periods"] = [
            (
                key,
                label,
                href
                + ("&" if href != "?" else "")
                + urlencode({k: v for k, v in kept.items() if v}),
            )
            for key, label, href in context["periods"]
        ]
        context["filter_chips"] = [
            (
                name,
                value,
                href
                + ("&" if href != "?" else "")
                + urlencode({k: v for k, v in kept.items() if v}),
            )
            for name, value, href in context["filter_chips"]
        ]
        rows = [
            (row, [(page, dashboard + _query(state, page=page)) for page in row.pages])
            for row in (report.rows if report else [])
        ]
        context.update(
            title=_("Journeys: %(period)s") % {"period": in_sentence(context["period"].label)},
            journey_error=journey_error,
            params=params,
            report=report,
            rows=rows,
            step_choices=range(MIN_STEPS, MAX_STEPS + 1),
        )
        return context


class FunnelReportView(SiteMixin, FunnelReport):
    pass


class ExperimentReportView(SiteMixin, ExperimentReport):
    pass


class JourneyReportView(SiteMixin, JourneyReport):
    pass


class SharedFunnelReportView(SharedLinkMixin, FunnelReport):
    pass


class SharedExperimentReportView(SharedLinkMixin, ExperimentReport):
    pass


class SharedJourneyReportView(SharedLinkMixin, JourneyReport):
    pass
