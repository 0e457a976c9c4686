from django.urls import path

from api import pages

app_name = "tokens"

urlpatterns = [
    path("new/", pages.TokenCreateView.as_view(), name="create"),
    path("<int:pk>/revoke/", pages.TokenRevokeView.as_view(), name="revoke"),
]
