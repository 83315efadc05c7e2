"""URLs of the inbox: mail that matched nobody, waiting to be filed by hand."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "inbox"

urlpatterns: list[URLPattern] = []
