"""The pages around the trash that deals and projects share: a record in the trash, shown to those
who may restore it, and the confirmation that moves one there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.records.access import require

T = TypeVar("T", bound=Any)


def show_trashed(request: HttpRequest, membership: Membership, fetch: Callable[..., T], pk: int, *,
                 page_class: str) -> HttpResponse:
    """A record in the trash: a 404 like any missing page, except for those who may restore it.
    `fetch` is the kind's access helper (it takes include_trash)."""
    if not roles.can_delete_records(membership.role):
        raise Http404
    obj = fetch(membership, pk, include_trash=True)
    return render(request, "records/trashed.html", {"obj": obj, "name": obj.name, "page_class": page_class})


def delete_to_trash(request: HttpRequest, membership: Membership, obj: T, *, template: str,
                    delete: Callable[[T, Membership], None], list_url: str) -> HttpResponse:
    """GET asks for confirmation (power users and above; records/confirm_delete.html gets `obj`, its
    `name` and its area's `page_class`); POST moves the record to the trash through the kind's
    `delete` action."""
    require(membership, roles.can_delete_records, _("Your role does not allow deleting records."))
    if request.method == "GET":
        return render(request, template, {"obj": obj, "name": obj.name, "page_class": f"{obj.namespace}-page"})
    delete(obj, membership)
    messages.success(request, _("“%(name)s” is in the trash now. It can be restored from there for 30 days.")
                     % {"name": obj.name})
    return redirect(list_url)
