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
from kontor.accounts.requests import MemberRequest
from kontor.files.models import Attachment
from kontor.history import actions
from kontor.history.models import Comment, Entry
from kontor.lib.params import parse_ids
from kontor.records.access import access_comment, access_entry_on, access_file, access_record, access_task
from kontor.records.models import Record
from kontor.tasks.models import Task


def ticked(request: HttpRequest) -> list[int] | None:
    """User ids ticked under "notify"; None when the form listed nobody to tick (then the
    followers are told, as for a note from the API)."""
    if "notify_shown" not in request.POST and not request.POST.getlist("notify"):
        return None
    return parse_ids(request.POST.getlist("notify"))


def _entry_on_record(membership: Membership, record_id: int, entry_id: int) -> tuple[Record, Entry]:
    record = access_record(membership, record_id)
    return record, access_entry_on(membership, record, entry_id)


def _comments_block(request: MemberRequest, record: Record, entry: Entry, error: list[str] | None = None,
                    anchor: str = "") -> HttpResponse:
    """The entry's comments (htmx), the comment page again after an error, or back to the record."""
    context = {"record": record, "entry": entry, "comment_error": error, "comment_form_open": bool(error),
               "body": request.POST.get("body", "")}
    if request.htmx:
        return render(request, "history/_comments.html", context)
    if error:
        return render(request, "history/comment_new.html", context)
    return redirect(f"{record.get_absolute_url()}#{anchor or f'entry-{entry.pk}'}")


@require_http_methods(["GET", "POST"])
@member_required
def comment(request: MemberRequest, record_id: int, entry_id: int) -> HttpResponse:
    """GET shows the comment form (in place with htmx, else on its own page); POST comments."""
    membership = request.membership
    record, entry = _entry_on_record(membership, record_id, entry_id)
    if request.method == "GET":
        if request.htmx:
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
def delete_comment(request: MemberRequest, record_id: int, comment_id: int) -> HttpResponse:
    membership = request.membership
    record = access_record(membership, record_id)
    found = access_comment(membership, comment_id, record=record)
    if found.entry_id is None:
        raise Http404
    record, entry = _entry_on_record(membership, record_id, found.entry_id)
    if not actions.can_delete_comment(membership, found):
        raise PermissionDenied(_("You can only delete your own comments."))
    actions.delete_comment(found, membership)
    return _comments_block(request, record, entry)


def _posted_comment(request: MemberRequest, *, task: Task | None = None,
                    file: Attachment | None = None) -> tuple[Comment | None, list[str] | None]:
    """Writes the posted comment onto the task or file; the comment, or the reasons it was refused."""
    membership: Membership = request.membership
    try:
        return actions.add_comment(membership, request.POST.get("body", ""), task=task, file=file,
                                   notify=ticked(request) or []), None
    except ValidationError as error:
        return None, error.messages


def _thread(request: MemberRequest, template: str, context: dict, page: str, card_id: str,
            created: Comment | None, error: list[str] | None) -> HttpResponse:
    """A task's or file's comments card again (htmx, keeping a refused comment's text), or back to
    its page: at the new comment, else at the card."""
    if request.htmx:
        body = request.POST.get("body", "") if error else ""
        return render(request, template, {**context, "comment_error": error, "body": body})
    if error:
        messages.error(request, " ".join(error))
    return redirect(f"{page}#{f'comment-{created.pk}' if created else card_id}")


def _task_thread(request: MemberRequest, task: Task, created: Comment | None = None,
                 error: list[str] | None = None) -> HttpResponse:
    return _thread(request, "history/_task_comments.html", {"task": task}, task_page(task),
                   f"task-comments-{task.pk}", created, error)


def task_page(task: Task) -> str:
    return reverse("tasks:edit", args=[task.pk])


@require_POST
@member_required
def task_comment(request: MemberRequest, task_id: int) -> HttpResponse:
    task = access_task(request.membership, task_id)
    return _task_thread(request, task, *_posted_comment(request, task=task))


@require_POST
@member_required
def delete_task_comment(request: MemberRequest, task_id: int, comment_id: int) -> HttpResponse:
    membership = request.membership
    task = access_task(membership, task_id)
    actions.delete_comment(access_comment(membership, comment_id, task=task), membership)
    return _task_thread(request, task)


def _file_thread(request: MemberRequest, attachment: Attachment, created: Comment | None = None,
                 error: list[str] | None = None) -> HttpResponse:
    return _thread(request, "history/_file_comments.html", {"attachment": attachment},
                   reverse("files:detail", args=[attachment.pk]), f"file-comments-{attachment.pk}", created, error)


@require_POST
@member_required
def file_comment(request: MemberRequest, file_id: int) -> HttpResponse:
    attachment = access_file(request.membership, file_id)
    return _file_thread(request, attachment, *_posted_comment(request, file=attachment))


@require_POST
@member_required
def delete_file_comment(request: MemberRequest, file_id: int, comment_id: int) -> HttpResponse:
    membership = request.membership
    attachment = access_file(membership, file_id)
    actions.delete_comment(access_comment(membership, comment_id, file=attachment), membership)
    return _file_thread(request, attachment)

