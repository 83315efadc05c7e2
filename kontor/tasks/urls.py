from django.urls import path

from kontor.tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.overview, name="list"),
    path("new/", views.create, name="create"),
    path("<int:task_id>/", views.row, name="row"),
    path("<int:task_id>/edit/", views.edit, name="edit"),
    path("<int:task_id>/postpone/", views.postpone, name="postpone"),
    path("<int:task_id>/done/", views.done, name="done"),
    path("<int:task_id>/reopen/", views.reopen, name="reopen"),
    path("<int:task_id>/delete/", views.delete, name="delete"),
    path("calendar/new-address/", views.regenerate_feed, name="regenerate_feed"),
    path("calendar/settings/", views.feed_scope, name="feed_scope"),
]
