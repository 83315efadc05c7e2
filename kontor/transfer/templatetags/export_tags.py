"""`{% export_menu "person" %}`: the Export menu of a list, for the roles that may export lists."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.records.models import KIND_URL_NAMESPACE, Kind
from kontor.transfer.export_views import formats_for

register = template.Library()


@register.inclusion_tag("transfer/_export_menu.html", takes_context=True)
def export_menu(context: template.Context, kind: str) -> dict[str, Any]:
    """Links to the list's export in each format, carrying the list's current filters (the
    menu sits in the part of the list that every filter change renders again), without its page:
    an export holds every page."""
    membership = context.get("membership")
    request = context.get("request")
    if membership is None or request is None or not roles.can_bulk_export(membership.role):
        return {"links": []}
    url = reverse(f"export:{KIND_URL_NAMESPACE[Kind(kind)]}")
    query = request.GET.copy()
    query.pop("page", None)
    labels = {
        "csv": [("", _("CSV"), _("for Excel in English, Google Sheets, LibreOffice")),
                ("semicolon", _("CSV with semicolons"), _("for Excel in German"))],
        "xlsx": [("", _("Excel (.xlsx)"), "")],
        "vcf": [("", _("vCard (.vcf)"), _("for Outlook, Apple Contacts, Google Contacts"))],
    }
    links = []
    for file_format in formats_for(kind):
        for delimiter, label, hint in labels[file_format]:
            query["format"] = file_format
            if delimiter:
                query["delimiter"] = delimiter
            else:
                query.pop("delimiter", None)
            links.append({"url": f"{url}?{query.urlencode()}", "label": label, "hint": hint,
                          "format": file_format + ("-" + delimiter if delimiter else "")})
    return {"links": links}
