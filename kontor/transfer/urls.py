"""URLs of imports of spreadsheets and vCards."""

from django.urls import URLPattern, path

from kontor.transfer import views

app_name = "imports"

urlpatterns: list[URLPattern] = [
    path("", views.import_list, name="list"),
    path("new/", views.upload, name="new"),
    path("<int:import_id>/", views.detail, name="detail"),
    path("<int:import_id>/report/", views.report, name="report"),
    path("<int:import_id>/undo/", views.undo, name="undo"),
]
