from django.urls import path

from kontor.history import views

app_name = "history"

urlpatterns = [
    path("on/<int:record_id>/", views.create, name="create"),
    path("on/<int:record_id>/older/", views.older, name="older"),
    path("on/<int:record_id>/<int:entry_id>/", views.entry, name="entry"),
    path("on/<int:record_id>/<int:entry_id>/edit/", views.edit, name="edit"),
    path("on/<int:record_id>/<int:entry_id>/delete/", views.delete, name="delete"),
]
