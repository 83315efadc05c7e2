from django.urls import path

from kontor.files import views

app_name = "files"

urlpatterns = [
    path("", views.file_list, name="list"),
    path("on/<int:record_id>/", views.upload, name="upload"),
    path("on/<int:record_id>/<int:entry_id>/", views.upload_to_entry, name="upload_entry"),
    path("<int:file_id>/", views.detail, name="detail"),
    path("<int:file_id>/download/", views.download, name="download"),
    path("<int:file_id>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("<int:file_id>/delete/", views.delete, name="delete"),
    path("<int:file_id>/restore/", views.restore, name="restore"),
]
