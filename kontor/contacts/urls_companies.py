from django.urls import path

from kontor.contacts import company_history, merge_views, views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("duplicates/", merge_views.company_duplicates, name="duplicates"),
    path("new/", views.company_new, name="new"),
    path("names/", views.company_names, name="names"),
    path("<int:company_id>/", views.company_detail, name="detail"),
    path("<int:company_id>/history/", company_history.company_history, name="history"),
    path("<int:company_id>/edit/", views.company_edit, name="edit"),
    path("<int:company_id>/delete/", views.company_delete, name="delete"),
    path("<int:company_id>/restore/", views.company_restore, name="restore"),
    path("<int:company_id>/photo/", views.company_photo, name="photo"),
    path("<int:company_id>/merge/", merge_views.company_merge, name="merge"),
    path("<int:company_id>/merge/undo/", merge_views.company_merge_undo, name="merge_undo"),
]
