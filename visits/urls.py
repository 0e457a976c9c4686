from django.urls import path

from visits import segment_views, views
from visits.ingest.views import beacon
from visits.stats import conversion_pages, dashboard, performance_page

app_name = "visits"

urlpatterns = [
    path("visit", beacon, name="beacon"),
    path("visits/", views.VisitListView.as_view(), name="list"),
    path("visits.csv", views.VisitsCsvView.as_view(), name="csv"),
    path("stats/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("stats/<slug:dimension>/", dashboard.DashboardView.as_view(), name="dashboard_panel"),
    path("segments/", segment_views.SegmentCreateView.as_view(), name="segment_create"),
    path(
        "segments/<int:segment_id>/delete/",
        segment_views.SegmentDeleteView.as_view(),
        name="segment_delete",
    ),
    path(
        "funnels/<int:funnel_id>/",
        conversion_pages.FunnelReportView.as_view(),
        name="funnel",
    ),
    path(
        "experiments/<int:experiment_id>/",
        conversion_pages.ExperimentReportView.as_view(),
        name="experiment",
    ),
    path("journeys/", conversion_pages.JourneyReportView.as_view(), name="journeys"),
    path(
        "performance/",
        performance_page.PerformanceReportView.as_view(),
        name="performance",
    ),
    path("stats/live", dashboard.DashboardLiveView.as_view(), name="dashboard_live"),
]
