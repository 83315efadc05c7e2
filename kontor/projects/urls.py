from django.urls import path

from kontor.projects import views
from kontor.records import linked_views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("from-deal/<int:deal_id>/", views.project_from_deal, name="from_deal"),
    path("<int:project_id>/history/", views.project_history, name="history"),
    *linked_views.urls(views.PAGES),  # the page, new, edit, the status bar, delete
]
