"""The Performance report: each Core Web Vital's 75th percentile and the average scroll depth,
for the site and per page, for the dashboard's period and filters (see visits.stats.performance)."""

from django.utils.translation import gettext as _

from sites.access import SiteMixin
from visits.stats.conversion_pages import ReportPage, _query
from visits.stats.performance import METRICS, performance_report
from visits.stats.shared_access import SharedLinkMixin
from visits.stats.words import in_sentence


class PerformanceReport(ReportPage):
    template_name = "visits/performance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = performance_report(
            site=self.site, period=context["period"], filters=context["filters"]
        )
        state, dashboard = context["state"], context["dashboard"]
        context.update(
            title=_("Performance: %(period)s") % {"period": in_sentence(context["period"].label)},
            metrics=METRICS,
            report=report,
            pages=[(row, dashboard + _query(state, page=row.page)) for row in report.pages],
        )
        return context


class PerformanceReportView(SiteMixin, PerformanceReport):
    pass


class SharedPerformanceReportView(SharedLinkMixin, PerformanceReport):
    """The same report behind a shared link, read-only, its links on the shared dashboard."""
