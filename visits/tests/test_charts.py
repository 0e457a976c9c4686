"""The dashboard's chart: a round axis with grid lines, and bars and line scaled to it."""

from datetime import UTC, date, datetime, timedelta

import pytest

from visits.stats.charts import axis_top, chart_geometry
from visits.stats.totals import Point


@pytest.mark.parametrize(
    ("peak", "top"),
    [(1, 4), (4, 4), (5, 8), (17, 20), (41, 80), (99, 100), (101, 200), (1000, 1000),
     (1234, 2000), (2001, 4000), (99_999, 100_000)],
)  # fmt: skip
def test_the_axis_top_is_round_and_never_below_the_peak(peak, top):
    assert axis_top(peak) == top


def points(*pairs):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    return [
        Point(bucket=start + timedelta(days=n), pageviews=pageviews, visitors=visitors)
        for n, (pageviews, visitors) in enumerate(pairs)
    ]


def test_grid_lines_are_labelled_and_bars_scaled_to_the_axis():
    chart = chart_geometry(points((41, 10), (20, 1), (0, 0)), hourly=False)
    assert [line.label for line in chart["grid"]] == ["0", "20", "40", "60", "80"]
    assert chart["grid"][0].y == chart["baseline"]
    plot = chart["baseline"] - chart["top"]
    assert chart["bars"][0].height == round(plot * 41 / 80, 2)
    assert chart["bars"][2].height == 0
    # The value under the pointer, in words that count right.
    assert chart["bars"][0].title == "Sun 01 Mar: 41 pageviews, 10 visitors"
    assert chart["bars"][1].title == "Mon 02 Mar: 20 pageviews, 1 visitor"


def test_notes_are_marked_at_their_days_bar_one_marker_a_day():
    from types import SimpleNamespace

    from visits.stats.charts import LEFT

    notes = [
        SimpleNamespace(day=date(2026, 3, 2), text="Launch"),
        SimpleNamespace(day=date(2026, 3, 2), text="Newsletter"),
        SimpleNamespace(day=date(2026, 3, 9), text="Not shown: after the chart"),
    ]
    chart = chart_geometry(points((1, 1), (2, 1), (3, 1)), hourly=False, notes=notes)
    [marker] = chart["markers"]
    bar = chart["bars"][1]
    assert marker.x == round(bar.x + bar.width / 2, 2)
    assert marker.title == "Mon 02 Mar: Launch; Newsletter"
    today = [SimpleNamespace(day=date(2026, 3, 1), text="Launch")]
    hourly = chart_geometry(points((1, 1)), hourly=True, notes=today + notes)
    assert [(m.x, m.title) for m in hourly["markers"]] == [(LEFT + 1, "Sun 01 Mar: Launch")]
    assert chart_geometry(points((1, 1)), hourly=False)["markers"] == []
