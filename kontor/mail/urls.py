"""URLs of the dropbox settings, a filed e-mail's raw message and its images."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "mail"

urlpatterns: list[URLPattern] = []
