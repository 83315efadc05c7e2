from django.urls import path

from kontor.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("", views.settings, name="settings"),
    path("start/", views.start, name="start"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.renew_codes, name="renew_codes"),
    path("disable/", views.disable, name="disable"),
    path("login/", views.login_code, name="login"),
    path("team/", views.team, name="team"),
    path("team/requirement/", views.set_requirement, name="set_requirement"),
    path("team/members/<int:membership_id>/reset/", views.reset, name="reset"),
]
