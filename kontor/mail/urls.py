"""URLs of the dropbox settings, a filed e-mail's raw message and its HTML version."""

from django.urls import path

from kontor.mail import views

app_name = "mail"

urlpatterns = [
    path("<int:email_id>/eml/", views.eml, name="eml"),
    path("<int:email_id>/html/", views.html_version, name="html"),
    path("<int:email_id>/confidential/", views.confidential, name="confidential"),
    path("dropbox/new/", views.new_dropbox_address, name="new_dropbox_address"),
]
