"""A dashboard panel's full list ("More"): every row of one dimension for the dashboard's period
and filters, a page at a time, and the whole list as CSV."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from sites.models import Site
from visits.downloads import csv_lines, download_response
from visits.stats.breakdowns import visit_breakdown
from visits.stats.dimensions import PANELS, SESSION_DIMENSIONS
from visits.stats.periods import Period

ROWS_PER_PAGE = 50
PAGE_PARAMETER = "p"  # `page` is the page filter
PANEL_BY_NAME = {panel.name: panel for panel in PANELS}


def panel_dimension(name: str):
    """The panel asked for in the URL; any other name is a 404, as for an unknown page."""
    try:
        return PANEL_BY_NAME[name]
    except KeyError:
        raise Http404("No such panel.") from None


def panel_rows(*, site: Site, period: Period, filters: dict, dimension: str) -> list:
    """Every row of the panel, ranked as on the dashboard."""
    return visit_breakdown(
        site=site, period=period, filters=filters, dimension=dimension, now=timezone.now(),
        limit=None,
    )  # fmt: skip


def panel_page(*, rows: list, number) -> object:
    """One page of rows; a page number out of range or not a number shows the nearest page."""
    return Paginator(rows, ROWS_PER_PAGE).get_page(number)


def panel_csv(*, site: Site, period: Period, dimension: str, rows: list):
    panel = PANEL_BY_NAME[dimension]
    header = [panel.panel, "Visitors", panel.count_label]
    sessions = dimension in SESSION_DIMENSIONS
    if sessions:
        header += ["Bounce rate", "Visit duration (s)"]
    lines = (
        [row.label, row.visitors, row.count]
        + ([row.bounce_rate, row.visit_duration] if sessions else [])
        for row in rows
    )
    return download_response(
        csv_lines(header=header, rows=lines),
        filename=(
            f"{dimension}-site-{site.pk}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv"
        ),
    )
