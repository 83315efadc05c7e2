from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", auth_views.LoginView.as_view(), name="settings"),
    path("api-keys/", auth_views.LoginView.as_view(), name="api_keys"),
    path("team/", auth_views.LoginView.as_view(), name="team"),
]
