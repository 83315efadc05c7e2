"""URLs of the inbox: mail that matched nobody, waiting to be filed by hand."""

from django.urls import path

from kontor.mail import inbox_views as views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox_list, name="list"),
    path("<int:inbox_id>/", views.message, name="message"),
    path("<int:inbox_id>/raw/", views.raw, name="raw"),
    path("<int:inbox_id>/attachment/", views.attachment, name="attachment"),
    path("<int:inbox_id>/file/", views.file, name="file"),
    path("<int:inbox_id>/person/", views.person, name="person"),
    path("<int:inbox_id>/discard/", views.discard, name="discard"),
    path("<int:inbox_id>/restore/", views.restore, name="restore"),
]
