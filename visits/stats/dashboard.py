"""The dashboard page and its live panel: thin views over the selectors in `visits.stats`."""

from urllib.parse import urlencode

from django.db.models import prefetch_related_objects
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from sites.access import SiteMixin
from sites.models import Role
from sites.selectors import annotations_between, role_allows
from sites.snippet import snippet_context
from visits.segments import SegmentError, filters_with_segment, segment_filters, segment_list_for
from visits.stats.breakdowns import visit_breakdown
from visits.stats.chart_metrics import METRIC_PARAMETER, METRICS, headline_cards, metric_or_default
from visits.stats.charts import chart_geometry
from visits.stats.dimensions import FILTER_LABELS, PANELS, SESSION_DIMENSIONS
from visits.stats.figures import visit_live, visit_totals
from visits.stats.filters import stats_filters_from
from visits.stats.funnel_filter import DROPPED, DroppedFilterError, dropped_filter
from visits.stats.goals import visit_goals
from visits.stats.headline import IN_POINTS, LOWER_IS_BETTER, headline_figures
from visits.stats.labels import filter_value_label
from visits.stats.panel_groups import grouped_panels
from visits.stats.panel_page import (
    PAGE_PARAMETER,
    panel_csv,
    panel_dimension,
    panel_page,
    panel_rows,
)
from visits.stats.performance import scroll_depth_card
from visits.stats.periods import (
    DEFAULT_PERIOD,
    PERIODS,
    PeriodError,
    period_from_params,
    period_resolve,
)
from visits.stats.revenue import goal_revenue
from visits.stats.revenue_panel import revenue_panels
from visits.stats.rollups import rollup_ensure
from visits.stats.sessions import sessions_shared
from visits.stats.timeseries import visit_timeseries
from visits.stats.words import in_sentence
from visits.stats.worldmap import map_countries

# Keys that pick a period on the dashboard, as Plausible's owners know them.
SHORTCUTS = {"day": "d", "yesterday": "e", "7d": "w", "30d": "t", "month": "m", "12mo": "y"}


class DashboardPage(DetailView):
    """The dashboard of `self.object`; subclasses decide who may see which site."""

    template_name = "visits/dashboard.html"
    context_object_name = "site"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if "dimension" in kwargs:
            return self._panel_get(kwargs["dimension"])
        with sessions_shared():  # the headline and the entry and exit panels share visits
            context = self.get_context_data(object=self.object)
        bad = context["period_error"] or context["segment_error"] or context["metric_error"]
        return self.render_to_response(context, status=400 if bad else 200)

    def dashboard_url(self) -> str:
        """Where this dashboard lives, for links back from a panel's full list."""
        return reverse("visits:dashboard", args=[self.object.pk])

    def panel_url(self, dimension: str) -> str:
        """A panel's full list ("More"); "" where there is none."""
        return reverse("visits:dashboard_panel", args=[self.object.pk, dimension])

    def _state(self):
        site, params = self.object, self.request.GET
        period_error = ""
        try:
            period = period_from_params(params, tz_name=site.timezone, now=timezone.now())
        except PeriodError as error:
            period_error = str(error)
            period = period_resolve(key=DEFAULT_PERIOD, tz_name=site.timezone, now=timezone.now())
        segment_error = ""
        try:
            filters = filters_with_segment(site=site, params=params)
        except SegmentError as error:
            segment_error, filters = str(error), stats_filters_from(params)
        if params.get(DROPPED):
            try:
                filters = {
                    **filters,
                    DROPPED: dropped_filter(
                        site=site, value=params[DROPPED], period=period, filters=filters
                    ),
                }
            except DroppedFilterError as error:
                segment_error = segment_error or str(error)
        state = {"period": period.key, **filters}
        if params.get(METRIC_PARAMETER) in METRICS:  # the chart keeps its figure across links
            state[METRIC_PARAMETER] = params[METRIC_PARAMETER]
        if period.key == "custom":
            state.update({"from": period.first_day.isoformat(), "to": period.last_day.isoformat()})
        return period, period_error, segment_error, filters, state

    def _panel_get(self, dimension: str):
        panel = panel_dimension(dimension)
        site = self.object
        period, period_error, segment_error, filters, state = self._state()
        period_error = period_error or segment_error
        rollup_ensure(
            site=site, first_day=period.first_day, last_day=period.last_day, now=timezone.now()
        )
        with sessions_shared():
            rows = panel_rows(site=site, period=period, filters=filters, dimension=panel.name)
        if self.request.GET.get("format") == "csv" and not period_error:
            return panel_csv(site=site, period=period, dimension=panel.name, rows=rows)
        page = panel_page(rows=rows, number=self.request.GET.get(PAGE_PARAMETER))
        dashboard = self.dashboard_url()
        target = panel.filters or panel.name
        context = self.get_context_data(
            object=site,
            title=_("%(site)s: %(panel)s, %(period)s")
            % {
                "site": site.name,
                "panel": in_sentence(panel.panel),
                "period": in_sentence(period.label),
            },
            panel=panel,
            period=period,
            period_error=period_error,
            sessions=panel.name in SESSION_DIMENSIONS,
            page_obj=page,
            rows=[
                (row, f"{dashboard}{_link(state, **{target: row.value})}" if row.value else "")
                for row in page.object_list
            ],
            top=max((row.visitors for row in rows), default=0) or 1,
            total_rows=len(rows),
            filters=self._chips(filters, state),
            back=f"{dashboard}{_link(state)}",
            csv_link=_link({**state, "format": "csv"}),
            previous_link=_link(state, **{PAGE_PARAMETER: page.number - 1})
            if page.has_previous()
            else "",
            next_link=_link(state, **{PAGE_PARAMETER: page.number + 1}) if page.has_next() else "",
        )
        return TemplateResponse(
            self.request, "visits/panel.html", context, status=400 if period_error else 200
        )

    @staticmethod
    def _chips(filters: dict, state: dict) -> list:
        return [
            (FILTER_LABELS[name], filter_value_label(name, value), _link(state, **{name: None}))
            for name, value in filters.items()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "panel" in kwargs:
            return context
        site = self.object
        prefetch_related_objects([site], "goals")  # the goals and revenue panels share one read
        period, period_error, segment_error, filters, state = self._state()
        now = timezone.now()
        rollup_ensure(
            site=site, first_day=period.previous_first_day, last_day=period.last_day, now=now
        )
        totals, previous = visit_totals(site=site, period=period, filters=filters, now=now)
        metric, metric_error = metric_or_default(self.request.GET)
        points = visit_timeseries(
            site=site, period=period, filters=filters, now=now, with_sessions=metric.sessions
        )
        notes = list(
            annotations_between(site=site, first_day=period.first_day, last_day=period.last_day)
        )
        context.update(
            title=_("%(name)s: %(period)s")
            % {"name": site.name, "period": in_sentence(period.label)},
            period=period,
            period_error=period_error,
            segment_error=segment_error,
            filter_state=filters,
            periods=[
                (key, label, _link(state, period=key, **{"from": None, "to": None}), SHORTCUTS[key])
                for key, label in PERIODS.items()
                if key != "custom"
            ],
            clear_filters=_link(state, **dict.fromkeys(filters)),
            filters=self._chips(filters, state),
            metric=metric,
            metric_error=metric_error,
            headline=headline_figures(totals, previous),
            lower_is_better=LOWER_IS_BETTER,
            in_points=IN_POINTS,
            chart=chart_geometry(points, hourly=period.hourly, notes=notes, metric=metric),
            annotations=notes,
            goals=visit_goals(
                site=site, period=period, filters=filters, now=now, total_visitors=totals.visitors
            ),
            revenue=revenue_panels(
                goal_revenue(site=site, period=period, filters=filters, now=now),
                link=lambda **changes: _link(state, **changes),
            ),
            points=points,
            panels=[
                {
                    "dimension": panel.name,
                    "title": panel.panel,
                    "count_label": panel.count_label,
                    "sessions": panel.name in SESSION_DIMENSIONS,
                    "rows": [
                        (row, _link(state, **{panel.filters or panel.name: row.value}))
                        if row.value
                        else (row, "")
                        for row in visit_breakdown(
                            site=site,
                            period=period,
                            filters=filters,
                            dimension=panel.name,
                            now=now,
                            limit=None if panel.name == "country" else 10,  # the map shows all
                        )
                    ],
                }
                for panel in PANELS
            ],
        )
        countries = next(panel for panel in context["panels"] if panel["dimension"] == "country")
        world = {"dimension": "map", "title": _("Map"), "map": map_countries(countries["rows"])}
        countries["rows"] = countries["rows"][:10]
        for panel in context["panels"]:
            panel["max"] = max((row.visitors for row, _ in panel["rows"]), default=0) or 1
            more = self.panel_url(panel["dimension"])
            panel["more"] = f"{more}{_link(state)}" if more else ""
        context["panel_groups"] = grouped_panels([world, *context["panels"]])
        context["scroll_depth"] = scroll_depth_card(
            site=site, period=period, filters=filters, panels=context["panels"]
        )
        context["headline_cards"] = headline_cards(
            context["headline"], metric=metric, link=lambda **changes: _link(state, **changes)
        )
        if not kwargs.get("shared"):
            context.update(_team_context(site, state, filters))
        return context


class DashboardView(SiteMixin, DashboardPage):
    """The dashboard of one of the user's sites; before its first visit, how to get one."""

    def get(self, request, *args, **kwargs):
        site = self.get_object()
        if site.visits.exists() or not _period_is_valid(request.GET, site):
            return super().get(request, *args, **kwargs)  # a bad period is a 400 all the same
        context = {
            "site": site,
            "title": _("%(site)s: waiting for the first visit") % {"site": site.name},
        }
        context.update(snippet_context(site=site, request=request))
        return TemplateResponse(request, "visits/onboarding.html", context)


def _team_context(site, state: dict, filters: dict) -> dict:
    """What the site's team gets beyond a shared view: its saved segments, each a link that
    applies its filters, and (for managers and owners) saving filters and adding notes."""
    base = {**state, **dict.fromkeys(filters)}
    segments = []
    for segment in segment_list_for(site=site):
        applied = segment_filters(segment)
        segments.append(
            {"segment": segment, "href": _link(base, **applied), "current": applied == filters}
        )
    return {
        "segments": segments,
        "manages": role_allows(role=getattr(site, "user_role", None), needed=Role.MANAGER),
        "dashboard_query": _link(state)[1:],
    }


def _period_is_valid(params, site) -> bool:
    try:
        period_from_params(params, tz_name=site.timezone, now=timezone.now())
    except PeriodError:
        return False
    return True


def _link(state: dict, **changes) -> str:
    merged = {**state, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value})


@method_decorator(never_cache, name="dispatch")
class DashboardLiveView(SiteMixin, View):
    """Visitors and pageviews in the last five minutes, for the dashboard's live panel."""

    def handle_no_permission(self):
        return JsonResponse({"error": "Log in first."}, status=401)

    def get(self, request, site_id: int):
        live = visit_live(site=self.site, now=timezone.now())
        # The empty dashboard waits on this to turn into the real one.
        return JsonResponse({**live, "has_visits": self.site.visits.exists()})
