"""`{% export_menu "person" %}`: the Export menu of a list, for the roles that may export lists."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from kontor.accounts import roles
from kontor.records.models import KIND_URL_NAMESPACE, Kind
from kontor.transfer.export_views import formats_for

register = template.Library()


@register.inclusion_tag("transfer/_export_menu.html", takes_context=True)
def export_menu(context: template.Context, kind: str) -> dict[str, Any]:
    """Links to the list's export in each format, carrying the list's current filters (the
    menu sits in the part of the list that every filter change renders again), without its page:
    an export holds every page. The menu is kept once per process (kontor/lib/kept_tags.py) by
    the formats offered; the links are its holes."""
    membership = context.get("membership")
    request = context.get("request")
    if membership is None or request is None or not roles.can_bulk_export(membership.role):
        return {"links": {}}
    url = reverse(f"export:{KIND_URL_NAMESPACE[Kind(kind)]}")
    query = request.GET.copy()
    query.pop("page", None)
    links = {}
    for file_format in formats_for(kind):
        for delimiter in ("", "semicolon") if file_format == "csv" else ("",):
            query["format"] = file_format
            if delimiter:
                query["delimiter"] = delimiter
            else:
                query.pop("delimiter", None)
            links[file_format + ("_" + delimiter if delimiter else "")] = f"{url}?{query.urlencode()}"
    return {"links": links, "formats": formats_for(kind)}
