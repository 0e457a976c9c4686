"""A server-drawn SVG chart of the time series: no JavaScript, no third-party library."""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from visits.stats.totals import Point

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 800, 220, 10, 24, 36


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class Marker:
    """An annotated day: a line across the plot and a flag on top, its notes on hover."""

    x: float
    day: date
    title: str


def axis_top(peak: int, *, lines: int = 4) -> int:
    """The axis's top: the smallest `lines` times a round step (1, 2, 2.5 or 5 times a power of
    ten; 2.5 from 25 up, to stay whole) at or above the peak, so grid lines fall on round values."""
    power = 1
    while True:
        quarter = [5 * power // 2] if power >= 10 else []
        for step in (power, 2 * power, *quarter, 5 * power):
            if step * lines >= peak:
                return step * lines
        power *= 10


def _count(number: int, noun: str) -> str:
    """'1 visit', '1,234 visits', in the page's language and its digit grouping."""
    forms = {
        "visitor": ngettext("%(count)s visitor", "%(count)s visitors", number),
        "visit": ngettext("%(count)s visit", "%(count)s visits", number),
        "pageview": ngettext("%(count)s pageview", "%(count)s pageviews", number),
        "event": ngettext("%(count)s event", "%(count)s events", number),
    }
    return forms[noun] % {"count": number_format(number, force_grouping=True)}


def chart_markers(points: list[Point], notes, *, hourly: bool, slot: float) -> list[Marker]:
    """One marker per day that has notes (`notes`: objects with `day` and `text`), at its bar's
    middle; on an hourly chart (one day), at the day's start."""
    by_day: dict[date, list[str]] = {}
    for note in notes:
        by_day.setdefault(note.day, []).append(note.text)
    slots = {point.bucket.date(): index for index, point in enumerate(points)}
    markers = []
    for day, texts in sorted(by_day.items()):
        if hourly and points and day == points[0].bucket.date():
            x = LEFT + 1
        elif not hourly and day in slots:
            x = LEFT + slots[day] * slot + slot / 2
        else:
            continue  # not a day this chart shows
        markers.append(
            Marker(x=round(x, 2), day=day, title=f"{date_format(day, 'D d M')}: {'; '.join(texts)}")
        )
    return markers


def metric_axis_top(metric, peak: float) -> int:
    """The axis's top for a metric: whole minutes for durations, else `axis_top`."""
    if metric.key == "duration" and peak > 60:
        return axis_top(math.ceil(peak / 60)) * 60
    return axis_top(math.ceil(peak))


def chart_geometry(points: list[Point], *, hourly: bool, notes=(), metric=None) -> dict:
    """Bars for pageviews and a line for visitors, scaled to one shared axis, or (with a
    `metric` other than pageviews) bars of that metric alone; a marker on each day with notes."""
    single = metric is not None and metric.key != "pageviews"
    if single:
        values = [metric.value(point) for point in points]
        peak = max([1, *values])
        top = metric_axis_top(metric, peak)
        label = metric.label
    else:
        values = [point.pageviews for point in points]
        peak = max([1, *values, *(p.visitors for p in points)])
        top = axis_top(peak)
        label = "{:,}".format
    plot_height = HEIGHT - TOP - BOTTOM
    grid = [
        GridLine(y=round(TOP + plot_height * (1 - n / 4), 2), label=label(_quarter(top, n)))
        for n in range(5)
    ]
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars, line, ticks = [], [], []
    every = max(1, len(points) // 8)
    for index, (point, value) in enumerate(zip(points, values, strict=True)):
        x = LEFT + index * slot
        bar_height = plot_height * value / top
        when = point.bucket.strftime("%H:%M") if hourly else date_format(point.bucket, "D d M")
        if single:
            title = f"{when}: {_figure(metric, value)}"
        else:
            title = (
                f"{when}: {_count(point.pageviews, 'pageview')}, "
                f"{_count(point.visitors, 'visitor')}"
            )
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 2),
                y=round(TOP + plot_height - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
                title=title,
            )
        )
        line.append(f"{x + slot / 2:.2f},{TOP + plot_height * (1 - point.visitors / top):.2f}")
        if index % every == 0:
            ticks.append(
                Tick(
                    x=round(x + slot / 2, 2),
                    label=point.bucket.strftime("%H:%M" if hourly else "%d %b"),
                )
            )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": TOP + plot_height,
        "left": LEFT,
        "top": TOP,
        "peak": peak,
        "grid": grid,
        "bars": bars,
        "visitor_line": "" if single else " ".join(line),
        "ticks": ticks,
        "label_y": HEIGHT - 6,
        "markers": chart_markers(points, notes, hourly=hourly, slot=slot),
    }


def _quarter(top: int, n: int) -> float:
    """The n-th grid line's value: whole when it can be."""
    return top * n // 4 if top * n % 4 == 0 else top * n / 4


def _figure(metric, value: float) -> str:
    """'12 visits', '1 visit', '45% bounce rate', '2m 5s visit duration'."""
    if metric.key in ("visitors", "visits", "pageviews", "events"):
        return _count(value, metric.noun)
    return _("%(value)s %(figure)s") % {"value": metric.label(value), "figure": metric.noun}
