"""Comments under history entries, on tasks and on files: write one (ticking or @mentioning
colleagues to notify them), delete one. htmx swaps the comments block in place; without
JavaScript the form posts and the page comes back at the comment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.files.models import Attachment
from kontor.history import actions
from kontor.history.models import Comment, Entry, EntryLink
from kontor.records.access import access_entry, access_file, access_record, access_task
from kontor.records.models import Record
from kontor.tasks.models import Task


def ticked(request: HttpRequest) -> list[int] | None:
    """User ids ticked under "notify"; None when the form listed nobody to tick (then the
    followers are told, as for a note from the API)."""
    if "notify_shown" not in request.POST and not request.POST.getlist("notify"):
        return None
    return [int(value) for value in request.POST.getlist("notify") if value.isdigit()]


def _entry_on_record(membership: Membership, record_id: int, entry_id: int) -> tuple[Record, Entry]:
    record = access_record(membership, record_id)
    entry = access_entry(membership, entry_id)
    if not EntryLink.objects.filter(entry=entry, record=record).exists():
        raise Http404
    return record, entry


def _comments_block(request: HttpRequest, record: Record, entry: Entry, error: list[str] | None = None,
                    anchor: str = "") -> HttpResponse:
    """The entry's comments (htmx), the comment page again after an error, or back to the record."""
    context = {"record": record, "entry": entry, "comment_error": error, "comment_form_open": bool(error),
               "body": request.POST.get("body", "")}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "history/_comments.html", context)
    if error:
        return render(request, "history/comment_new.html", context)
    return redirect(f"{record.get_absolute_url()}#{anchor or f'entry-{entry.pk}'}")


@require_http_methods(["GET", "POST"])
@member_required
def comment(request: HttpRequest, record_id: int, entry_id: int) -> HttpResponse:
    """GET shows the comment form (in place with htmx, else on its own page); POST comments."""
    membership = request.membership  # type: ignore[attr-defined]
    record, entry = _entry_on_record(membership, record_id, entry_id)
    if request.method == "GET":
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "history/_comment_form.html", {"record": record, "entry": entry})
        return render(request, "history/comment_new.html", {"record": record, "entry": entry})
    try:
        created = actions.add_comment(membership, request.POST.get("body", ""), entry=entry,
                                      notify=ticked(request) or [])
    except ValidationError as error:
        return _comments_block(request, record, entry, error=error.messages)
    return _comments_block(request, record, entry, anchor=f"comment-{created.pk}")


@require_POST
@member_required
def delete_comment(request: HttpRequest, record_id: int, comment_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    record = access_record(membership, record_id)
    found = Comment.objects.filter(account=membership.account, pk=comment_id, entry__links__record=record).first()
    if found is None or found.entry_id is None:
        raise Http404
    record, entry = _entry_on_record(membership, record_id, found.entry_id)
    if not actions.can_delete_comment(membership, found):
        raise PermissionDenied(_("You can only delete your own comments."))
    actions.delete_comment(found, membership)
    return _comments_block(request, record, entry)


def _task_comments(request: HttpRequest, task: Task, error: list[str] | None = None) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "history/_task_comments.html", {"task": task, "comment_error": error})
    if error:
        messages.error(request, " ".join(error))
    return redirect(f"{task_page(task)}#task-comments-{task.pk}")


def task_page(task: Task) -> str:
    return reverse("tasks:edit", args=[task.pk])


@require_POST
@member_required
def task_comment(request: HttpRequest, task_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    task = access_task(membership, task_id)
    try:
        actions.add_comment(membership, request.POST.get("body", ""), task=task, notify=ticked(request) or [])
    except ValidationError as error:
        return _task_comments(request, task, error=error.messages)
    return _task_comments(request, task)


@require_POST
@member_required
def delete_task_comment(request: HttpRequest, task_id: int, comment_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    task = access_task(membership, task_id)
    found = Comment.objects.filter(account=membership.account, task=task, pk=comment_id).first()
    if found is None:
        raise Http404
    actions.delete_comment(found, membership)
    return _task_comments(request, task)


def _file_comments(request: HttpRequest, attachment: Attachment, error: list[str] | None = None,
                   anchor: str = "") -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "history/_file_comments.html", {"attachment": attachment, "comment_error": error})
    if error:
        messages.error(request, " ".join(error))
    return redirect(f"{reverse('files:detail', args=[attachment.pk])}#{anchor or f'file-comments-{attachment.pk}'}")


@require_POST
@member_required
def file_comment(request: HttpRequest, file_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    attachment = access_file(membership, file_id)
    try:
        created = actions.add_comment(membership, request.POST.get("body", ""), file=attachment,
                                      notify=ticked(request) or [])
    except ValidationError as error:
        return _file_comments(request, attachment, error=error.messages)
    return _file_comments(request, attachment, anchor=f"comment-{created.pk}")


@require_POST
@member_required
def delete_file_comment(request: HttpRequest, file_id: int, comment_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    attachment = access_file(membership, file_id)
    found = Comment.objects.filter(account=membership.account, file=attachment, pk=comment_id).first()
    if found is None:
        raise Http404
    actions.delete_comment(found, membership)
    return _file_comments(request, attachment)
