from django.urls import path

from kontor.deals import views
from kontor.records import linked_views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("board/", views.deal_board, name="board"),
    path("people-choices/", linked_views.people_choices, name="people_choices"),  # for projects' form too
    path("<int:deal_id>/move/", views.deal_move, name="move"),
    *linked_views.urls(views.PAGES),  # the page, new, edit, the state bar, delete
]
