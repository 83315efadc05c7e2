from django.urls import path

from kontor import views

app_name = "people"

urlpatterns = [
    path("", views.start, name="list"),
]
