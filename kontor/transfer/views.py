"""The import pages: upload, mapping and preview, progress and outcome, the list, the undo.

Every import is fetched through access_import (another account's import is a 404). The work is
done by transfer.actions; these views only read the request and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.records.access import access_import
from kontor.transfer import actions, tables
from kontor.transfer import report as error_report
from kontor.transfer.actions import grouped
from kontor.transfer.models import Duplicates, Import, ImportKind, ImportState

LIST_SIZE = 100


@require_GET
@member_required
def import_list(request: MemberRequest) -> HttpResponse:
    imports = list(actions.imports_of(request.membership)[:LIST_SIZE])
    return render(request, "transfer/list.html", {"imports": imports, "can_import": roles.can_import(
        request.membership.role)})


@require_http_methods(["GET", "POST"])
@member_required
def upload(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    error = ""
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            error = _("Please choose a file.")
        elif (upload_file.size or 0) > actions.max_bytes():  # known before a byte is read
            error = _("The file is too large (at most %(mb)s MB).") % {"mb": actions.max_bytes() // (1024 * 1024)}
        else:
            try:
                imp = actions.upload_import(membership, upload_file.read(), upload_file.name or "",
                                            kind=kind if kind in ImportKind.values else None)
            except (tables.UnreadableFile, PermissionDenied) as refused:
                error = str(refused) or _("Your role does not allow this.")
            else:
                return redirect("imports:detail", imp.pk)
    return render(request, "transfer/upload.html", {
        "kind": kind, "error": error, "can_import": roles.can_import(membership.role),
        "max_mb": actions.max_bytes() // (1024 * 1024)}, status=422 if error else 200)


@require_http_methods(["GET", "POST"])
@member_required
def detail(request: MemberRequest, import_id: int) -> HttpResponse:
    """A draft shows its mapping and preview (and takes their changes); a started import its
    progress, polled by htmx every second until it is finished, then its outcome."""
    membership = request.membership
    imp = access_import(membership, import_id)
    if imp.state == ImportState.DRAFT:
        return _mapping_page(request, membership, imp)
    actions.mark_stale_failed(imp)
    context = {"imp": imp, "can_undo": actions.can_undo(imp) and _may_undo(membership, imp),
               "summary": actions.summary_text(imp)}
    template = "transfer/detail.html#progress" if request.htmx else "transfer/detail.html"
    return render(request, template, context)


def _mapping_page(request: HttpRequest, membership: Membership, imp: Import) -> HttpResponse:
    if imp.created_by_id != membership.user_id:
        raise PermissionDenied
    error = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        # A new sheet or kind brings its own columns and guessed fields: the posted ones are stale.
        same_columns = post.get("sheet", imp.sheet) == imp.sheet and post.get("kind", imp.kind) == imp.kind
        mapping = None
        if imp.format != "vcf" and "column-0" in post and same_columns:
            mapping = [post.get(f"column-{i}") or None for i in range(len(imp.mapping))]
        # Another sheet with the kind left as it was: Kontor decides again from its columns.
        kind = None if post.get("sheet", imp.sheet) != imp.sheet and post.get("kind") == imp.kind \
            else post.get("kind") or None
        try:
            actions.configure_import(imp, kind=kind, sheet=post.get("sheet") or None,
                                     mapping=mapping, duplicates=post.get("duplicates") or None,
                                     tag=post.get("tag", ""))
            if request.POST.get("start"):
                actions.start_import(imp, membership)
                return redirect("imports:detail", imp.pk)
        except ValidationError as invalid:
            errors = invalid.message_dict
        except actions.ImportRefused as refused:
            error = str(refused)
        imp.refresh_from_db()
    try:
        preview = actions.preview(imp)
    except tables.UnreadableFile as refused:
        return render(request, "transfer/upload.html", {"error": str(refused), "kind": imp.kind,
                                                        "can_import": roles.can_import(membership.role),
                                                        "max_mb": actions.max_bytes() // (1024 * 1024)}, status=422)
    return render(request, "transfer/mapping.html", {
        "imp": imp, "preview": preview, "error": error, "errors": errors, "duplicate_choices": Duplicates.choices,
        "kinds": ImportKind.choices})


def _may_undo(membership: Membership, imp: Import) -> bool:
    return roles.can_import(membership.role) or imp.created_by_id == membership.user_id


@require_GET
@member_required
def report(request: MemberRequest, import_id: int) -> HttpResponse:
    """The error report: the rows that were not imported, as they were in the file, with a column
    saying why."""
    imp = access_import(request.membership, import_id)
    if imp.state == ImportState.DRAFT:
        raise PermissionDenied
    return error_report.report_response(imp)


@require_http_methods(["GET", "POST"])
@member_required
def undo(request: MemberRequest, import_id: int) -> HttpResponse:
    """Asks first, saying what will be removed and restored; the POST undoes."""
    membership = request.membership
    imp = access_import(membership, import_id)
    if not _may_undo(membership, imp):
        raise PermissionDenied(_("Only the colleague who imported this, or a power user or administrator, "
                                 "can undo it."))
    if not actions.can_undo(imp):
        messages.error(request, _("This import can no longer be undone (undo is possible for 24 hours)."))
        return redirect("imports:detail", imp.pk)
    if request.method == "POST":
        try:
            actions.undo_import(imp, membership)
        except actions.ImportRefused as refused:
            messages.error(request, str(refused))
        else:
            # A whole sentence: "undone: removes 12 people" reads badly in German and English.
            messages.success(request, _("The import has been undone."))
        return redirect("imports:detail", imp.pk)
    return render(request, "transfer/undo.html", {"imp": imp, "summary": actions.undo_summary(imp),
                                                  "text": undo_text(actions.undo_summary(imp))})


def undo_text(summary: actions.UndoSummary) -> str:
    """"removes 1,180 people and 3 companies and restores 42 fields", numbers as the user's
    language writes them. Only what the undo really does is named: an import that filled nothing
    does not "restore 0 fields", one of people alone does not "remove 0 companies"."""
    people = ngettext("%(count)s person", "%(count)s people", summary.people) % {"count": grouped(summary.people)}
    companies = ngettext("%(count)s company", "%(count)s companies", summary.companies) % {
        "count": grouped(summary.companies)}
    fields = ngettext("%(count)s field", "%(count)s fields", summary.fields) % {"count": grouped(summary.fields)}
    if summary.people and summary.companies:
        removed = _("%(people)s and %(companies)s") % {"people": people, "companies": companies}
    else:
        removed = people if summary.people else companies if summary.companies else ""
    if removed and summary.fields:
        return _("removes %(removed)s and restores %(fields)s") % {"removed": removed, "fields": fields}
    if removed:
        return _("removes %(removed)s") % {"removed": removed}
    if summary.fields:
        return _("restores %(fields)s") % {"fields": fields}
    return _("changes nothing")
