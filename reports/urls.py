from django.urls import path

from reports import views, webhook_views

app_name = "reports"

urlpatterns = [
    path("sites/<int:pk>/reports/", views.SubscriptionsView.as_view(), name="subscriptions"),
    path(
        "sites/<int:pk>/reports/<int:subscription_id>/delete/",
        views.SubscriptionDeleteView.as_view(),
        name="subscription_delete",
    ),
    path("sites/<int:pk>/webhooks/", webhook_views.WebhooksView.as_view(), name="webhooks"),
    path(
        "sites/<int:pk>/webhooks/<int:webhook_id>/delete/",
        webhook_views.WebhookDeleteView.as_view(),
        name="webhook_delete",
    ),
    path(
        "sites/<int:pk>/webhooks/<int:webhook_id>/test/",
        webhook_views.WebhookTestView.as_view(),
        name="webhook_test",
    ),
    path("reports/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
