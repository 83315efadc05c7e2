from django.urls import path

from kontor.deals import views

app_name = "deals"

urlpatterns = [
    path("", views.deal_list, name="list"),
    path("board/", views.deal_board, name="board"),
    path("new/", views.deal_new, name="new"),
    path("people-choices/", views.people_choices, name="people_choices"),
    path("<int:deal_id>/", views.deal_detail, name="detail"),
    path("<int:deal_id>/edit/", views.deal_edit, name="edit"),
    path("<int:deal_id>/stage/", views.deal_stage, name="stage"),
    path("<int:deal_id>/move/", views.deal_move, name="move"),
    path("<int:deal_id>/delete/", views.deal_delete, name="delete"),
]
