from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("sites/<int:pk>/reports/", views.SubscriptionsView.as_view(), name="subscriptions"),
    path(
        "sites/<int:pk>/reports/<int:subscription_id>/delete/",
        views.SubscriptionDeleteView.as_view(),
        name="subscription_delete",
    ),
    path("reports/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
