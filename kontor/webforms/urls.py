from django.urls import path

from kontor.webforms import views

app_name = "webforms"

urlpatterns = [
    path("", views.webform_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:webform_id>/", views.detail, name="detail"),
    path("<int:webform_id>/edit/", views.edit, name="edit"),
    path("<int:webform_id>/delete/", views.delete, name="delete"),
]
