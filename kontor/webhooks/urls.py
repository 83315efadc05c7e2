from django.urls import path

from kontor.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:webhook_id>/", views.detail, name="detail"),
    path("<int:webhook_id>/edit/", views.edit, name="edit"),
    path("<int:webhook_id>/secret/", views.roll_secret, name="roll_secret"),
    path("<int:webhook_id>/delete/", views.delete, name="delete"),
    path("deliveries/<int:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
]
