from django.urls import path

from kontor import views

app_name = "records"

urlpatterns = [
    path("tags/", views.start, name="tags"),
    path("trash/", views.start, name="trash"),
]
