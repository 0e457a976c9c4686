"""The all-sites pages: `/sites/` with each site's figures, and one dashboard over several sites.

Both see only the user's sites (`site_list_for`: their own and their teams'); a chosen site
that isn't one of them is a 404, as everywhere else.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sites.selectors import site_list_for
from sites.views import SiteListView
from visits.stats.charts import chart_geometry
from visits.stats.combined import (
    SitePeriods,
    combined_breakdown,
    combined_notes,
    combined_timeseries,
    combined_totals,
)
from visits.stats.combined_goals import combined_goals, currency_revenue
from visits.stats.dashboard import SHORTCUTS, _link
from visits.stats.dimensions import FILTER_LABELS, PANELS, SESSION_DIMENSIONS
from visits.stats.filters import stats_filters_from
from visits.stats.headline import IN_POINTS, LOWER_IS_BETTER, headline_figures
from visits.stats.labels import filter_value_label
from visits.stats.overview import (
    DEFAULT_SORT,
    SORTS,
    overview_sorted,
    rollups_ensure_for,
    site_overview,
)
from visits.stats.panel_groups import grouped_panels
from visits.stats.periods import DEFAULT_PERIOD, PERIODS, PeriodError, period_resolve
from visits.stats.sessions import sessions_shared
from visits.stats.worldmap import map_countries

SITES_PARAMETER = "sites"
SEGMENT_ERROR = (
    "Saved segments belong to one site: open a site's dashboard to apply one "
    "(these figures are without it)."
)


def _period_state(params) -> dict:
    state = {"period": params.get("period") or DEFAULT_PERIOD}
    if state["period"] == "custom":
        state.update({"from": params.get("from", ""), "to": params.get("to", "")})
    return state


def _range(state: dict) -> dict:
    return {"start": state.get("from", ""), "end": state.get("to", "")}


def _periods_nav(state: dict) -> list:
    return [
        (key, label, _link(state, period=key, **{"from": None, "to": None}), SHORTCUTS[key])
        for key, label in PERIODS.items()
        if key != "custom"
    ]


class SiteOverviewView(SiteListView):
    """The list of sites with each one's visitors today and in the period, the change and a
    sparkline; `period` as on the dashboard, `sort` one of `SORTS`."""

    template_name = "visits/site_overview.html"

    def get(self, request, *args, **kwargs):
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        return self.render_to_response(context, status=400 if context["period_error"] else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        state = _period_state(params)
        sort = params.get("sort") if params.get("sort") in SORTS else DEFAULT_SORT
        sites, now, period_error = list(self.object_list), timezone.now(), ""
        try:
            overviews = site_overview(
                sites=sites,
                period_key=state["period"],
                now=now,
                start=state.get("from", ""),
                end=state.get("to", ""),
            )
        except PeriodError as error:
            period_error, state = str(error), {"period": DEFAULT_PERIOD}
            overviews = site_overview(sites=sites, period_key=DEFAULT_PERIOD, now=now)
        state_with_sort = {**state, "sort": sort}
        context.update(
            overviews=overview_sorted(overviews, sort=sort),
            period=overviews[0].period if overviews else None,
            period_key=state["period"],
            period_error=period_error,
            periods=_periods_nav(state_with_sort),
            sort=sort,
            # Each column's heading link: descending first, then toggling.
            sort_links={
                key: _link(state, sort=key if sort == f"-{key}" else f"-{key}")
                for key in ("name", "visitors", "change")
            },
            combined_url=reverse("combined_dashboard") + _link(state),
        )
        return context


def chosen_sites(*, user, value: str) -> list:
    """The user's sites named in `sites=1,2,5` (all of them when empty); Http404 when one of
    them isn't the user's, or isn't a site at all."""
    visible = list(site_list_for(user=user))
    if not value:
        return visible
    try:
        wanted = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise Http404("No such site.") from None
    by_pk = {site.pk: site for site in visible}
    if not wanted or not wanted <= by_pk.keys():
        raise Http404("No such site.")
    return [site for site in visible if site.pk in wanted]


class CombinedDashboardView(LoginRequiredMixin, TemplateView):
    """One dashboard over all the user's sites, or those in `sites`: the headline, chart and
    panels of the site dashboard, each figure the sum of the sites'."""

    template_name = "visits/combined_dashboard.html"

    def get(self, request, *args, **kwargs):
        value = ",".join(request.GET.getlist(SITES_PARAMETER))
        self.sites = chosen_sites(user=request.user, value=value)
        self.sites_value = value
        with sessions_shared():
            context = self.get_context_data(**kwargs)
        bad = context["period_error"] or context["segment_error"]
        return self.render_to_response(context, status=400 if bad else 200)

    def _chosen(self, state: dict) -> SitePeriods:
        now = timezone.now()
        periods = {
            site.pk: period_resolve(
                key=state["period"], tz_name=site.timezone, now=now, **_range(state)
            )
            for site in self.sites
        }
        return SitePeriods(sites=self.sites, periods=periods)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params, now = self.request.GET, timezone.now()
        filters = stats_filters_from(params)
        state = _period_state(params)
        period_error = ""
        try:
            period_resolve(key=state["period"], tz_name="UTC", now=now, **_range(state))
            chosen = self._chosen(state) if self.sites else None
        except PeriodError as error:
            period_error, state = str(error), {"period": DEFAULT_PERIOD}
            chosen = self._chosen(state) if self.sites else None
        if self.sites_value:
            state[SITES_PARAMETER] = ",".join(str(site.pk) for site in self.sites)
        full_state = {**state, **filters}
        context.update(
            title=_("All sites") if not self.sites_value else _("Chosen sites"),
            sites=self.sites,
            period_error=period_error,
            # Segments are per site (their filters checked there): none here, nor a fake one.
            segment_error=SEGMENT_ERROR if params.get("segment") else "",
            filter_state=filters,
            sites_value=state.get(SITES_PARAMETER, ""),
            periods=_periods_nav(full_state),
            clear_filters=_link(full_state, **dict.fromkeys(filters)),
            filters=[
                (
                    FILTER_LABELS[name],
                    filter_value_label(name, value),
                    _link(full_state, **{name: None}),
                )
                for name, value in filters.items()
            ],
            lower_is_better=LOWER_IS_BETTER,
            in_points=IN_POINTS,
        )
        if chosen is None:
            return context
        # Every site's rollups checked in one query before the figures read them.
        rollups_ensure_for(
            sites=chosen.sites,
            first_days={pk: period.previous_first_day for pk, period in chosen.periods.items()},
            now=now,
        )
        totals, previous = combined_totals(chosen=chosen, filters=filters, now=now)
        period = chosen.first
        points = combined_timeseries(chosen=chosen, filters=filters, now=now)
        prefetch_related_objects(chosen.sites, "goals")  # every site's, in one query
        goals = combined_goals(
            chosen=chosen, filters=filters, now=now, total_visitors=totals.visitors
        )
        notes = combined_notes(chosen=chosen)
        panels = [
            {
                "dimension": panel.name,
                "title": panel.panel,
                "count_label": panel.count_label,
                "sessions": panel.name in SESSION_DIMENSIONS,
                "more": "",
                "rows": [
                    (row, _link(full_state, **{panel.filters or panel.name: row.value}))
                    if row.value
                    else (row, "")
                    for row in combined_breakdown(
                        chosen=chosen,
                        filters=filters,
                        dimension=panel.name,
                        now=now,
                        limit=None if panel.name == "country" else 10,  # the map shows all
                    )
                ],
            }
            for panel in PANELS
        ]
        countries = next(panel for panel in panels if panel["dimension"] == "country")
        world = {"dimension": "map", "title": _("Map"), "map": map_countries(countries["rows"])}
        countries["rows"] = countries["rows"][:10]
        for panel in panels:
            panel["max"] = max((row.visitors for row, _ in panel["rows"]), default=0) or 1
        context.update(
            period=period,
            totals=totals,
            previous=previous,
            headline=headline_figures(totals, previous),
            points=points,
            chart=chart_geometry(points, hourly=period.hourly, notes=notes),
            annotations=notes,
            goals=goals,
            revenue=currency_revenue(goals),
            panels=panels,
            panel_groups=grouped_panels([world, *panels]),
        )
        return context
