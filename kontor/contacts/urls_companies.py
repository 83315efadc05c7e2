from django.urls import path

from kontor import views

app_name = "companies"

urlpatterns = [
    path("", views.start, name="list"),
]
