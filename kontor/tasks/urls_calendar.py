"""The public calendar feed, outside the logged-in pages: calendar programs open it by its secret
token alone."""

from django.urls import path

from kontor.tasks import views

app_name = "calendar"

urlpatterns = [
    path("<str:feed_token>.ics", views.calendar_feed, name="feed"),
]
