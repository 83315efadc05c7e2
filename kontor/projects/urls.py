from django.urls import path

from kontor.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("from-deal/<int:deal_id>/", views.project_from_deal, name="from_deal"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/status/", views.project_status, name="status"),
    path("<int:project_id>/history/", views.project_history, name="history"),
    path("<int:project_id>/delete/", views.project_delete, name="delete"),
]
