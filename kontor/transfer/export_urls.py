"""URLs of exports of lists as CSV, Excel and vCard, and the whole account."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "export"

urlpatterns: list[URLPattern] = []
