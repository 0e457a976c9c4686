from django.contrib import admin
from django.urls import include, path

from sites.team import InvitationView
from sites.views import HomeView, favicon
from visits.ingest.health import healthz
from visits.stats import conversion_pages
from visits.stats.overview_pages import CombinedDashboardView, SiteOverviewView
from visits.stats.performance_page import SharedPerformanceReportView
from visits.stats.shared import SharedDashboardEmbedView, SharedDashboardView

admin.site.site_header = "Tracker administration"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Sites and visits"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/tokens/", include("api.page_urls")),
    path("accounts/two-factor/", include("accounts.two_factor_urls")),
    path("accounts/", include("accounts.urls")),
    # The list of sites with their figures: the `sites:list` page, drawn by `visits`.
    path("sites/", SiteOverviewView.as_view()),
    path("sites/all/stats/", CombinedDashboardView.as_view(), name="combined_dashboard"),
    path("sites/", include("sites.urls")),
    path("sites/<int:site_id>/", include("visits.urls")),
    path("sites/<int:site_id>/tokens/", include("api.site_page_urls")),
    path("api/", include("api.urls")),
    path("", include("reports.urls")),
    path("invitations/<str:token>/", InvitationView.as_view(), name="invitation"),
    path("share/<str:token>/", SharedDashboardView.as_view(), name="shared_dashboard"),
    path(
        "share/<str:token>/stats/<slug:dimension>/",
        SharedDashboardView.as_view(),
        name="shared_panel",
    ),
    path("share/<str:token>/embed/", SharedDashboardEmbedView.as_view(), name="shared_embed"),
    path(
        "share/<str:token>/funnels/<int:funnel_id>/",
        conversion_pages.SharedFunnelReportView.as_view(),
        name="shared_funnel",
    ),
    path(
        "share/<str:token>/experiments/<int:experiment_id>/",
        conversion_pages.SharedExperimentReportView.as_view(),
        name="shared_experiment",
    ),
    path(
        "share/<str:token>/journeys/",
        conversion_pages.SharedJourneyReportView.as_view(),
        name="shared_journeys",
    ),
    path(
        "share/<str:token>/performance/",
        SharedPerformanceReportView.as_view(),
        name="shared_performance",
    ),
    path("admin/", admin.site.urls),
]
