from django.urls import path

from kontor.history import comment_views, views

app_name = "history"

urlpatterns = [
    path("on/<int:record_id>/", views.create, name="create"),
    path("mentions/", views.mentions, name="mentions"),
    path("on/<int:record_id>/older/", views.older, name="older"),
    path("on/<int:record_id>/<int:entry_id>/", views.entry, name="entry"),
    path("on/<int:record_id>/<int:entry_id>/edit/", views.edit, name="edit"),
    path("on/<int:record_id>/<int:entry_id>/delete/", views.delete, name="delete"),
    path("on/<int:record_id>/<int:entry_id>/comments/", comment_views.comment, name="comment"),
    path("on/<int:record_id>/comments/<int:comment_id>/delete/", comment_views.delete_comment,
         name="delete_comment"),
    path("tasks/<int:task_id>/comments/", comment_views.task_comment, name="task_comment"),
    path("tasks/<int:task_id>/comments/<int:comment_id>/delete/", comment_views.delete_task_comment,
         name="delete_task_comment"),
    path("files/<int:file_id>/comments/", comment_views.file_comment, name="file_comment"),
    path("files/<int:file_id>/comments/<int:comment_id>/delete/", comment_views.delete_file_comment,
         name="delete_file_comment"),
]
