from django.urls import path

from kontor.contacts import merge_views, views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("duplicates/", merge_views.people_duplicates, name="duplicates"),
    path("new/", views.person_new, name="new"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/delete/", views.person_delete, name="delete"),
    path("<int:person_id>/restore/", views.person_restore, name="restore"),
    path("<int:person_id>/photo/", views.person_photo, name="photo"),
    path("<int:person_id>/merge/", merge_views.person_merge, name="merge"),
    path("<int:person_id>/merge/undo/", merge_views.person_merge_undo, name="merge_undo"),
]
