from django.urls import path

from accounts import two_factor_views as views

app_name = "two_factor"

urlpatterns = [
    path("", views.TwoFactorVerifyView.as_view(), name="verify"),
    path("setup/", views.TwoFactorSetupView.as_view(), name="setup"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("disable/", views.TwoFactorDisableView.as_view(), name="disable"),
]
