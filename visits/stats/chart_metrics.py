"""The figure the dashboard's chart draws (`metric`), picked by clicking a headline figure."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from visits.stats.headline import duration_label
from visits.stats.totals import Point

METRIC_PARAMETER = "metric"


@dataclass(frozen=True)
class Metric:
    key: str
    headline: str  # the headline figure that picks it, as `headline_figures` names it
    noun: str  # singular, for the pointer's label ("12 visits")
    sessions: bool = False  # needs visits (sessions) per bar

    def value(self, point: Point) -> float:
        """The figure of one bar."""
        if self.key == "visits":
            return point.sessions
        if self.key == "views_per_visit":
            return round(point.pageviews / point.sessions, 2) if point.sessions else 0
        if self.key == "bounce_rate":
            return round(100 * point.bounces / point.sessions) if point.sessions else 0
        if self.key == "duration":
            return round(point.duration / point.sessions) if point.sessions else 0
        return getattr(point, self.key)

    def label(self, value: float) -> str:
        """A value as the axis and the pointer show it."""
        if self.key == "bounce_rate":
            return f"{value:g}%"
        if self.key == "duration":
            return duration_label(value)
        if self.key == "views_per_visit":
            return f"{value:g}"
        return f"{value:,}"


METRICS = {
    metric.key: metric
    for metric in (
        Metric("visitors", _("Unique visitors"), "visitor"),
        Metric("visits", _("Visits"), "visit", sessions=True),
        Metric("pageviews", _("Pageviews"), "pageview"),
        Metric("views_per_visit", _("Views per visit"), _("views per visit"), sessions=True),
        Metric("bounce_rate", _("Bounce rate"), _("bounce rate"), sessions=True),
        Metric("duration", _("Visit duration"), _("visit duration"), sessions=True),
        Metric("events", _("Events"), "event"),
    )
}
# Without `metric`, the chart draws pageviews as bars and unique visitors as a line.
DEFAULT_METRIC = "pageviews"


class MetricError(ValueError):
    """A `metric` the chart cannot draw."""


def metric_from_params(params) -> Metric:
    """The chart's metric from a query; MetricError for an unknown one."""
    key = params.get(METRIC_PARAMETER) or DEFAULT_METRIC
    if key not in METRICS:
        raise MetricError(f"Unknown metric {key!r}; use one of {', '.join(METRICS)}.")
    return METRICS[key]


def metric_or_default(params) -> tuple[Metric, str]:
    """The chart's metric, or the default and why when the query names an unknown one."""
    try:
        return metric_from_params(params), ""
    except MetricError as error:
        return METRICS[DEFAULT_METRIC], str(error)


def headline_cards(headline, *, metric: Metric, link) -> list[dict]:
    """The headline figures as cards, each a link (`link(metric=key)`) that charts its figure."""
    keys = {item.headline: item.key for item in METRICS.values()}
    cards = []
    for label, value, change in headline:
        key = keys.get(label)
        cards.append(
            {
                "label": label,
                "value": value,
                "change": change,
                "href": link(metric=None if key == DEFAULT_METRIC else key) if key else "",
                "current": key == metric.key,
            }
        )
    return cards
