"""A server-drawn SVG chart of the time series: no JavaScript, no third-party library."""

from dataclasses import dataclass

from visits.stats.figures import Point

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


def chart_geometry(points: list[Point], *, hourly: bool) -> dict:
    """Bars for pageviews and a line for visitors, scaled to one shared axis."""
    peak = max([1, *(p.pageviews for p in points), *(p.visitors for p in points)])
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars, line, ticks = [], [], []
    every = max(1, len(points) // 8)
    for index, point in enumerate(points):
        x = LEFT + index * slot
        bar_height = plot_height * point.pageviews / peak
        when = point.bucket.strftime("%H:%M" if hourly else "%a %d %b")
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 2),
                y=round(TOP + plot_height - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
                title=f"{when}: {point.pageviews} pageviews, {point.visitors} visitors",
            )
        )
        line.append(f"{x + slot / 2:.2f},{TOP + plot_height * (1 - point.visitors / peak):.2f}")
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
        "bars": bars,
        "visitor_line": " ".join(line),
        "ticks": ticks,
        "label_y": HEIGHT - 6,
    }
