"""The dashboard page and its live panel: thin views over the selectors in `visits.stats`."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from sites.access import SiteMixin
from visits.stats.charts import chart_geometry
from visits.stats.figures import (
    Totals,
    stats_filters_from,
    visit_breakdown,
    visit_goals,
    visit_live,
    visit_timeseries,
    visit_totals,
)
from visits.stats.periods import DEFAULT_PERIOD, PERIODS, PeriodError, period_resolve
from visits.stats.rollups import rollup_ensure
from visits.stats.sessions import sessions_shared

PANELS = (
    ("page", "Top pages", "Pageviews"),
    ("referrer", "Referrers", "Pageviews"),
    ("country", "Countries", "Pageviews"),
    ("region", "Regions", "Pageviews"),
    ("city", "Cities", "Pageviews"),
    ("browser", "Browsers", "Pageviews"),
    ("os", "Operating systems", "Pageviews"),
    ("device", "Devices", "Pageviews"),
    ("screen", "Screen sizes", "Pageviews"),
    ("source", "Campaign sources", "Pageviews"),
    ("medium", "Campaign media", "Pageviews"),
    ("campaign", "Campaigns", "Pageviews"),
    ("event", "Custom events", "Events"),
    ("prop", "Event properties", "Events"),
    ("entry", "Entry pages", "Visits"),
    ("exit", "Exit pages", "Visits"),
)
# Entry and exit pages filter the page they name.
FILTER_OF_PANEL = {"entry": "page", "exit": "page"}
FILTER_NAMES = {
    "page": "Page",
    "referrer": "Referrer",
    "country": "Country",
    "region": "Region",
    "city": "City",
    "browser": "Browser",
    "os": "OS",
    "device": "Device",
    "event": "Event",
    "screen": "Screen",
    "source": "Source",
    "medium": "Medium",
    "campaign": "Campaign",
    "term": "Term",
    "content": "Content",
    "prop": "Property",
}


def change_percent(current: float, previous: float) -> int | None:
    """Percent change against the previous period; None when there is nothing to compare."""
    if not previous:
        return None
    return round((current - previous) * 100 / previous)


# Headline figures where a rise is bad news: their change is coloured the other way round.
LOWER_IS_BETTER = ("Bounce rate",)


def duration_label(seconds: int) -> str:
    """'0s', '45s', '9m 18s', '1h 5m'."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {seconds}s"
    return f"{seconds}s"


def headline_figures(totals: Totals, previous: Totals) -> list[tuple[str, object, int | None]]:
    """(label, value to show, percent change vs the previous period) for the headline cards."""
    return [
        ("Unique visitors", totals.visitors, change_percent(totals.visitors, previous.visitors)),
        ("Visits", totals.sessions, change_percent(totals.sessions, previous.sessions)),
        ("Pageviews", totals.pageviews, change_percent(totals.pageviews, previous.pageviews)),
        (
            "Views per visit",
            totals.views_per_visit,
            change_percent(totals.views_per_visit, previous.views_per_visit),
        ),
        (
            "Bounce rate",
            f"{totals.bounce_rate}%",
            change_percent(totals.bounce_rate, previous.bounce_rate),
        ),
        (
            "Visit duration",
            duration_label(totals.visit_duration),
            change_percent(totals.visit_duration, previous.visit_duration),
        ),
        ("Events", totals.events, change_percent(totals.events, previous.events)),
    ]


class DashboardPage(DetailView):
    """The dashboard of `self.object`; subclasses decide who may see which site."""

    template_name = "visits/dashboard.html"
    context_object_name = "site"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        with sessions_shared():  # the headline and the entry and exit panels share visits
            context = self.get_context_data(object=self.object)
        return self.render_to_response(context, status=400 if context["period_error"] else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        site, params = self.object, self.request.GET
        period_error = ""
        try:
            period = period_resolve(
                key=params.get("period", ""),
                tz_name=site.timezone,
                now=timezone.now(),
                start=params.get("from", ""),
                end=params.get("to", ""),
            )
        except PeriodError as error:
            period_error = str(error)
            period = period_resolve(key=DEFAULT_PERIOD, tz_name=site.timezone, now=timezone.now())
        filters = stats_filters_from(params)
        state = {"period": period.key, **filters}
        if period.key == "custom":
            state.update({"from": period.first_day.isoformat(), "to": period.last_day.isoformat()})
        now = timezone.now()
        rollup_ensure(
            site=site, first_day=period.previous_first_day, last_day=period.last_day, now=now
        )
        totals, previous = visit_totals(site=site, period=period, filters=filters, now=now)
        points = visit_timeseries(site=site, period=period, filters=filters, now=now)
        context.update(
            title=f"{site.name}: {period.label.lower()}",
            period=period,
            period_error=period_error,
            filter_state=filters,
            periods=[
                (key, label, _link(state, period=key, **{"from": None, "to": None}))
                for key, label in PERIODS.items()
                if key != "custom"
            ],
            filters=[
                (FILTER_NAMES[name], value, _link(state, **{name: None}))
                for name, value in filters.items()
            ],
            headline=headline_figures(totals, previous),
            lower_is_better=LOWER_IS_BETTER,
            chart=chart_geometry(points, hourly=period.hourly),
            goals=visit_goals(
                site=site, period=period, filters=filters, now=now, total_visitors=totals.visitors
            ),
            points=points,
            panels=[
                {
                    "dimension": dimension,
                    "title": panel_title,
                    "count_label": count_label,
                    "sessions": dimension in FILTER_OF_PANEL,
                    "rows": [
                        (
                            row,
                            _link(state, **{FILTER_OF_PANEL.get(dimension, dimension): row.value})
                            if row.value
                            else "",
                        )
                        for row in visit_breakdown(
                            site=site, period=period, filters=filters, dimension=dimension, now=now
                        )
                    ],
                }
                for dimension, panel_title, count_label in PANELS
            ],
        )
        return context


class DashboardView(SiteMixin, DashboardPage):
    """The dashboard of one of the user's sites."""


def _link(state: dict, **changes) -> str:
    merged = {**state, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value})


@method_decorator(never_cache, name="dispatch")
class DashboardLiveView(SiteMixin, View):
    """Visitors and pageviews in the last five minutes, for the dashboard's live panel."""

    def handle_no_permission(self):
        return JsonResponse({"error": "Log in first."}, status=401)

    def get(self, request, site_id: int):
        return JsonResponse(visit_live(site=self.site, now=timezone.now()))
