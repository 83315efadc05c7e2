"""URLs of exports of lists as CSV, Excel and vCard, and the whole account."""

from django.urls import URLPattern, path

from kontor.records.models import Kind
from kontor.transfer import export_views

app_name = "export"

urlpatterns: list[URLPattern] = [
    path("people/", export_views.export_list, {"kind": Kind.PERSON}, name="people"),
    path("companies/", export_views.export_list, {"kind": Kind.COMPANY}, name="companies"),
    path("deals/", export_views.export_list, {"kind": Kind.DEAL}, name="deals"),
    path("projects/", export_views.export_list, {"kind": Kind.PROJECT}, name="projects"),
    path("people/<int:person_id>/vcard/", export_views.person_vcard, name="person_vcard"),
    path("companies/<int:company_id>/vcard/", export_views.company_vcard, name="company_vcard"),
    path("account/", export_views.account_download, name="account"),
]
