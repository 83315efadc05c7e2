"""The side column's saved views: save the list's filters under a name, make a view the one the
list opens with, delete it. Each answers with the list again (plain form posts)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.requests import MemberRequest
from kontor.records import saved_views
from kontor.records.access import access_own_saved_view, access_saved_view
from kontor.records.models import ListKind

LIST_URLS = {ListKind.PERSON: "people:list", ListKind.COMPANY: "companies:list", ListKind.DEAL: "deals:list",
             ListKind.PROJECT: "projects:list", ListKind.TASK: "tasks:list"}


def _list_url(kind: str, query: str = "") -> str:
    url = reverse(LIST_URLS[ListKind(kind)])
    return f"{url}?{query}" if query else url


@require_POST
@member_required
def save(request: MemberRequest) -> HttpResponse:
    """Saves the list's current filters (sent as `query`) under the name typed."""
    by, kind = request.membership, request.POST.get("kind", "")
    if kind not in ListKind.values:
        return redirect("start")
    try:
        view = saved_views.save_view(by, kind, request.POST.get("name", ""), request.POST.get("query", ""),
                                     shared=bool(request.POST.get("shared")),
                                     make_default=bool(request.POST.get("default")))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_list_url(kind, saved_views.savable_query(request.POST.get("query", ""))))
    messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
    return redirect(_list_url(kind, view.query))


@require_POST
@member_required
def make_default(request: MemberRequest, view_id: int) -> HttpResponse:
    """The list opens with this view from now on (or, if it already did, unfiltered again)."""
    by = request.membership
    view = access_saved_view(by, view_id)
    current = saved_views.default_view(by, view.kind)
    saved_views.set_default(by, view.kind, None if current == view else view)
    return redirect(_list_url(view.kind, view.query))


@require_POST
@member_required
def delete(request: MemberRequest, view_id: int) -> HttpResponse:
    by = request.membership
    view = access_saved_view(by, view_id)
    try:
        view = access_own_saved_view(by, view_id)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(_list_url(view.kind, view.query))
    saved_views.delete_view(view, by)
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return redirect(_list_url(view.kind, "view=" + saved_views.SHOW_ALL))
