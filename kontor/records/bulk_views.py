"""The lists' bulk bar: one POST route per list, a confirmation for what reaches far (every row the
filter selects, or moving to the trash), and the progress page of a bulk job."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.records import bulk
from kontor.records.access import access_bulk_job, require

LIST_URLS = {"people": "people:list", "companies": "companies:list", "deals": "deals:list",
             "projects": "projects:list", "tasks": "tasks:list"}


def _back(request: MemberRequest, resource: str) -> str:
    """Where the list was (with its filters), or the list itself."""
    target = str(request.POST.get("next") or "")
    # A path of this site only, printable: a redirect to anything else would be an open door or a
    # header that cannot be sent.
    if target.startswith("/") and target.isprintable() and len(target) <= 2000 \
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(LIST_URLS[resource])


def _arguments(post: QueryDict) -> dict[str, Any]:
    """The bar's fields as the action's arguments: tags separated by commas, a colleague, days."""
    arguments: dict[str, Any] = {"tags": [name for name in post.get("tags", "").split(",") if name.strip()]}
    for name in ("user_id", "days"):
        value = str(post.get(name) or "").strip()
        if value:
            arguments[name] = value
    return arguments


def _selection(by: Membership, kind: bulk.BulkKind, post: QueryDict) -> list[int]:
    if post.get("scope") == "filter":
        return bulk.selected_ids(by, kind, query=QueryDict(post.get("query", "")))
    return bulk.selected_ids(by, kind, ids=post.getlist("ids"))


@require_POST
@member_required
def bulk_action(request: MemberRequest, resource: str) -> HttpResponseBase:
    """Runs the bar's action on the ticked rows, or on every row the filter selects."""
    by = request.membership
    kind, back, action = bulk.KINDS[resource], _back(request, resource), request.POST.get("action", "")
    ids = _selection(by, kind, request.POST)
    if not ids:
        messages.warning(request, _("Tick at least one row first."))
        return redirect(back)
    reaches_far = request.POST.get("scope") == "filter" and action != "export" or action == "delete"
    if reaches_far and not request.POST.get("confirmed"):
        return render(request, "records/bulk_confirm.html", {
            "kind": kind, "action": action, "label": bulk.ACTION_LABELS.get(action, action),
            "objects": kind.noun(len(ids)), "post": request.POST, "back": back})
    try:
        if action == "export" and kind.kind != "task":
            return _export(request, by, kind, ids)
        outcome = bulk.start(by, kind, action, _arguments(request.POST), ids, back_url=back)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return redirect(back)
    if outcome.job is not None:
        return redirect("records:bulk_job", job_id=outcome.job.pk)
    messages.success(request, _("%(action)s: done for %(objects)s.") % {
        "action": bulk.ACTION_LABELS[action], "objects": kind.noun(outcome.count)})
    return redirect(back)


def _export(request: MemberRequest, by: Membership, kind: bulk.BulkKind, ids: list[int]) -> HttpResponseBase:
    """The selected rows as the list's export (CSV, Excel or vCard), as the export menu gives them."""
    from kontor.transfer.export_views import export_response, formats_for

    require(by, roles.can_bulk_export, _("Your role does not allow exporting lists."))
    file_format = request.POST.get("format", "csv")
    if file_format not in formats_for(kind.kind):
        file_format = "csv"
    if request.POST.get("scope") == "filter":
        # Every row of the filter, in the list's order: what the export menu gives for the list.
        items = kind.select(by, QueryDict(request.POST.get("query", "")))
    else:
        items = kind.objects(by).filter(pk__in=ids[:bulk.CHUNK]).order_by("pk")
    return export_response(by.account, kind.kind, items, file_format)


@require_GET
@member_required
def bulk_job(request: MemberRequest, job_id: int) -> HttpResponse:
    """How far a queued bulk action is; htmx asks again every second until it has finished."""
    job = access_bulk_job(request.membership, job_id)
    kind = bulk.KIND_BY_NAME[job.kind]
    context = {"job": job, "objects": kind.noun(job.total), "label": bulk.ACTION_LABELS.get(job.action, job.action),
               "back": job.back_url or reverse(LIST_URLS[kind.resource])}
    if request.htmx:
        return render(request, "records/bulk_job.html#progress", context)
    return render(request, "records/bulk_job.html", context)
