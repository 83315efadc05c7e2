"""The Files area, uploads onto records and history entries, downloads, previews and deletes.

Every file is fetched through access_file, so another account's file and a missing one give the
same 404; the bytes are only ever served from here, never from a public storage address."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.files import actions, queries
from kontor.files.forms import MAX_PAGE, FileFilterForm
from kontor.files.models import Attachment
from kontor.files.serving import serve_file, serve_thumbnail
from kontor.lib.params import local_path
from kontor.records.access import access_entry, access_file, access_record, find_live_record

LIST_PAGE_SIZE = 48


def _next(request: HttpRequest, default: str) -> str:
    return local_path(request, request.POST.get("next") or request.GET.get("next"), default)


@require_GET
@member_required
def file_list(request: MemberRequest) -> HttpResponse:
    membership: Membership = request.membership
    form = FileFilterForm(request.GET, colleagues=queries.uploaders(membership))
    form.is_valid()
    filters = form.filters()
    files, has_next = queries.page_of(queries.filtered_files(membership, filters), form.page_number, LIST_PAGE_SIZE)
    record = find_live_record(membership, filters.record_id)
    filtered = any([filters.name, filters.record_name, filters.file_type, filters.uploader_id, filters.created_from,
                    filters.created_before, record])
    context = {"form": form, "files": files, "has_next": has_next, "page": form.page_number, "max_page": MAX_PAGE,
               "filter_record": record, "filtered": filtered}
    template = "files/list.html#results" if request.htmx else "files/list.html"
    return render(request, template, context)


def _uploaded(request: HttpRequest, count: int) -> None:
    messages.success(request, ngettext("The file has been uploaded.", "%(count)s files have been uploaded.",
                                       count) % {"count": count})


@require_POST
@member_required
def upload(request: MemberRequest, record_id: int) -> HttpResponse:
    """Files onto a record page's Files card; htmx gets the card back, a plain post the page."""
    membership: Membership = request.membership
    record = access_record(membership, record_id)
    error = ""
    try:
        stored = actions.upload_files(membership, request.FILES.getlist("file"), record=record)
    except ValidationError as refused:
        error = actions.upload_error_message(refused)
    if request.htmx:
        context = queries.record_card(membership, record)
        return render(request, "files/_record_files.html", {**context, "upload_error": error})
    if error:
        messages.error(request, error)
    else:
        _uploaded(request, len(stored))
    return redirect(f"{record.get_absolute_url()}#files-{record.pk}")


@require_POST
@member_required
def upload_to_entry(request: MemberRequest, record_id: int, entry_id: int) -> HttpResponse:
    """Files onto a history entry, shown under it (the paperclip in the timeline)."""
    membership: Membership = request.membership
    record = access_record(membership, record_id)
    entry = access_entry(membership, entry_id)
    error = ""
    try:
        stored = actions.upload_files(membership, request.FILES.getlist("file"), record=record, entry=entry)
    except ValidationError as refused:
        error = actions.upload_error_message(refused)
    if request.htmx:
        queries.prefetch_entry_files([entry], membership)
        return render(request, "files/_entry_files_answer.html", {"entry": entry, "record": record,
                                                                  "upload_error": error, "membership": membership})
    if error:
        messages.error(request, error)
    else:
        _uploaded(request, len(stored))
    return redirect(f"{record.get_absolute_url()}#entry-{entry.pk}")


@require_GET
@member_required
def detail(request: MemberRequest, file_id: int) -> HttpResponse:
    """One file: its preview, what it is, where it belongs; open, download or delete it."""
    membership: Membership = request.membership
    attachment = access_file(membership, file_id)
    entry = queries.visible_entry(membership, attachment)
    return render(request, "files/detail.html", {"attachment": attachment, "entry": entry})


@require_GET
@member_required
def download(request: MemberRequest, file_id: int) -> FileResponse:
    """The file itself: images and PDFs open in the browser (unless ?download), the rest downloads."""
    attachment = access_file(request.membership, file_id)
    return serve_file(attachment, inline="download" not in request.GET)


@require_GET
@member_required
def thumbnail(request: MemberRequest, file_id: int) -> FileResponse:
    attachment = access_file(request.membership, file_id)
    return serve_thumbnail(attachment)


def _home(attachment: Attachment) -> str:
    return attachment.record.get_absolute_url() if attachment.record else reverse("files:list")


@require_http_methods(["GET", "POST"])
@member_required
def delete(request: MemberRequest, file_id: int) -> HttpResponse:
    """GET asks for confirmation (the path without JavaScript); POST deletes, with an undo."""
    membership: Membership = request.membership
    attachment = access_file(membership, file_id)
    if not actions.can_delete_file(membership, attachment):
        raise PermissionDenied(_("You can only delete files you uploaded yourself."))
    back = _next(request, _home(attachment))
    if request.method == "GET":
        return render(request, "files/delete.html", {"attachment": attachment, "next": back})
    actions.delete_file(attachment, membership)
    if request.htmx:
        return render(request, "files/_deleted.html", {"attachment": attachment, "next": back})
    messages.success(request, _("The file “%(name)s” has been deleted.") % {"name": attachment.name})
    return redirect(back)


@require_POST
@member_required
def restore(request: MemberRequest, file_id: int) -> HttpResponse:
    """Undoes a delete (offered right after it)."""
    membership: Membership = request.membership
    attachment = access_file(membership, file_id, include_deleted=True)
    actions.restore_file(attachment, membership)
    back = _next(request, _home(attachment))
    if request.htmx:
        queries.count_comments([attachment])
        return render(request, "files/_file.html", {"attachment": attachment, "membership": membership,
                                                    "next": back, "show_record": request.POST.get("show_record")})
    messages.success(request, _("The file “%(name)s” is back.") % {"name": attachment.name})
    return redirect(back)
