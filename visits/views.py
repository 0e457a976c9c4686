"""The owner's visit list and CSV download of one site."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from sites.access import SiteMixin
from visits.downloads import csv_lines, download_response
from visits.selectors import CSV_COLUMNS, visit_csv_rows, visit_list_for, visit_page_list_for


class VisitListView(SiteMixin, ListView):
    """Every visit of one of the owner's sites, newest first, a page at a time."""

    template_name = "visits/visit_list.html"
    context_object_name = "visits"
    paginate_by = 50

    def get_queryset(self):
        return visit_page_list_for(site=self.site)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site=self.site, title=_("Visits to %(site)s") % {"site": self.site.name}, **kwargs
        )


class VisitsCsvView(SiteMixin, View):
    """Stream every visit of the site as CSV, in constant memory."""

    def get(self, request, site_id: int):
        rows = visit_csv_rows(visits=visit_list_for(site=self.site))
        return download_response(
            csv_lines(header=CSV_COLUMNS, rows=rows),
            filename=f"visits-site-{self.site.pk}-{timezone.now():%Y%m%d}.csv",
        )
