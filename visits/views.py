"""The beacon, the owner's visit list and CSV export, and the health check."""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView

from sites.selectors import site_queryset_for
from visits.downloads import csv_lines
from visits.selectors import CSV_COLUMNS, visit_csv_rows, visit_list_for, visit_page_list_for

logger = logging.getLogger(__name__)


class VisitListView(LoginRequiredMixin, ListView):
    """Every visit of one of the owner's sites, newest first, a page at a time."""

    template_name = "visits/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def get_queryset(self):
        self.site = get_object_or_404(
            site_queryset_for(user=self.request.user), pk=self.kwargs["site_id"]
        )
        return visit_page_list_for(site=self.site)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site=self.site, title=f"Visits to {self.site.name}", **kwargs
        )


def visits_csv(request, site_id: int):
    """Stream every visit of the owner's site as CSV, in constant memory."""
    site = get_object_or_404(site_queryset_for(user=request.user), pk=site_id)
    filename = f"visits-site-{site.pk}-{timezone.now():%Y%m%d}.csv"
    response = StreamingHttpResponse(
        csv_lines(header=CSV_COLUMNS, rows=visit_csv_rows(visits=visit_list_for(site=site))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
