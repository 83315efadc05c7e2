from django.urls import path

from kontor.records import bulk_views, custom_field_views, saved_view_pages, views

app_name = "records"

urlpatterns = [
    path("records/<int:record_id>/tags/", views.add_tag, name="add_tag"),
    path("records/<int:record_id>/tags/<int:tag_id>/remove/", views.remove_tag, name="remove_tag"),
    path("tags/", views.tags, name="tags"),
    path("tags/autocomplete/", views.tag_autocomplete, name="tag_autocomplete"),
    path("tags/merge/", views.merge_tags, name="merge_tags"),
    path("tags/<int:tag_id>/rename/", views.rename_tag, name="rename_tag"),
    path("tags/<int:tag_id>/delete/", views.delete_tag, name="delete_tag"),
    path("settings/custom-fields/", custom_field_views.custom_field_list, name="custom_fields"),
    path("settings/custom-fields/reorder/", custom_field_views.custom_field_reorder, name="custom_field_reorder"),
    path("settings/custom-fields/<int:field_id>/edit/", custom_field_views.custom_field_edit,
         name="custom_field_edit"),
    path("settings/custom-fields/<int:field_id>/move/", custom_field_views.custom_field_move,
         name="custom_field_move"),
    path("settings/custom-fields/<int:field_id>/delete/", custom_field_views.custom_field_delete,
         name="custom_field_delete"),
    path("trash/", views.trash, name="trash"),
    *[path(f"records/bulk/{resource}/", bulk_views.bulk_action, {"resource": resource}, name=f"bulk_{resource}")
      for resource in bulk_views.LIST_URLS],
    path("records/bulk/jobs/<int:job_id>/", bulk_views.bulk_job, name="bulk_job"),
    path("views/", saved_view_pages.save, name="view_save"),
    path("views/<int:view_id>/default/", saved_view_pages.make_default, name="view_default"),
    path("views/<int:view_id>/delete/", saved_view_pages.delete, name="view_delete"),
    path("trash/empty/", views.empty_trash, name="empty_trash"),
    path("trash/<int:record_id>/restore/", views.restore, name="restore"),
]
