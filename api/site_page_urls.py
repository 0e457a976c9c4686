from django.urls import path

from api import pages

app_name = "site_tokens"

urlpatterns = [
    path("", pages.SiteTokensView.as_view(), name="list"),
]
