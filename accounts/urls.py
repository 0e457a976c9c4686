from django.urls import path

from accounts import password_reset, sso_views, views

app_name = "accounts"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("sso/login/", sso_views.SingleSignOnStartView.as_view(), name="sso_login"),
    path("sso/callback/", sso_views.SingleSignOnCallbackView.as_view(), name="sso_callback"),
    path("", views.AccountView.as_view(), name="account"),
    path("email/<str:token>/", views.EmailConfirmView.as_view(), name="email_confirm"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
