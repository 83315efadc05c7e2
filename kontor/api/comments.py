"""/api/v1/comments: the comments under a history entry, on a task or on a file; write and delete them.

A comment on an entry the key's user may not read (a confidential one, for members) does not
exist for them (404). Authors delete their own comments; administrators anyone's."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Name
from kontor.files.models import Attachment
from kontor.history import actions
from kontor.history.models import Comment, CommentQuerySet, Entry
from kontor.records.access import access_entry, access_file, access_task
from kontor.tasks.models import Task

router = Router(tags=["Comments"])


class CommentOut(Schema):
    id: int
    body: str
    author_id: int | None
    author_name: str
    entry_id: int | None
    task_id: int | None
    file_id: int | None
    created_at: dt.datetime


class CommentPage(Page):
    items: list[CommentOut]


class CommentFilters(ListParams):
    entry_id: Id | None = Field(None, description="The comments under this history entry.")
    task_id: Id | None = Field(None, description="The comments on this task.")
    file_id: Id | None = Field(None, description="The comments on this file.")
    updated_since: DateTime | None = Field(None, description="Only comments written at or after this time (a "
                                           "comment does not change once written; ISO 8601).")
    order: Literal["created_at", "-created_at"] = Field(
        "created_at", description="`created_at` (oldest first, as a conversation reads) or `-created_at`.")


def _only(name: str) -> dict:
    """The JSON schema of a comment target: `name` set, the other two left out or null."""
    others = {other: {"type": "null"} for other in TARGETS if other != name}
    return {"required": [name], "properties": {name: {"type": "integer"}, **others}}


TARGETS = ("entry_id", "task_id", "file_id")


class CommentCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"oneOf": [_only(name) for name in TARGETS]})

    body: Name = Field(description="The comment. @Name notifies that colleague.")
    entry_id: Id | None = None
    task_id: Id | None = None
    file_id: Id | None = None
    notify: list[Id] = Field([], max_length=100, description="User ids of colleagues to notify as well.")


def comment_out(comment: Comment) -> dict:
    return {"id": comment.pk, "body": comment.body, "author_id": comment.author_id,
            "author_name": comment.author.name if comment.author else "", "entry_id": comment.entry_id,
            "task_id": comment.task_id, "file_id": comment.file_id, "created_at": comment.created_at}


def _one_target(target: CommentCreate) -> None:
    if [target.entry_id, target.task_id, target.file_id].count(None) != 2:
        raise InvalidInput([field_error(["body", "entry_id"], _("Send exactly one of entry_id, task_id and file_id."))])


def _visible_comments(by: Membership) -> CommentQuerySet:
    """The account's comments on what the membership may see (not a confidential entry for a member,
    nor a file or task on a record in the trash)."""
    confidential = roles.can_read_confidential(by.role)
    return Comment.objects.filter(account=by.account).filter(
        Q(entry__in=Entry.objects.filter(account=by.account).visible_to(confidential))
        | Q(task__in=Task.objects.visible_in(by.account))
        | Q(file__in=Attachment.objects.filter(account=by.account).visible_to(confidential)))


@router.get("", response={200: CommentPage, 404: ErrorOut, 422: InvalidInputOut}, summary="List comments",
            description="The comments under a history entry (entry_id), on a task (task_id) or on a file "
                        "(file_id), oldest first unless `order` says otherwise; a target you may not see is a "
                        "404. The filters combine, "
                        "and without any the list holds every comment you may see.")
def list_comments(request: HttpRequest, filters: Query[CommentFilters]) -> dict:
    by = membership(request)
    comments = _visible_comments(by)
    if filters.entry_id is not None:
        comments = comments.filter(entry=access_entry(by, filters.entry_id))
    if filters.task_id is not None:
        comments = comments.filter(task=access_task(by, filters.task_id))
    if filters.file_id is not None:
        comments = comments.filter(file=access_file(by, filters.file_id))
    comments = changed_since(comments.select_related("author"), filters, "created_at")
    rows, has_next = page_of(in_order(comments, filters.order), filters)
    return envelope([comment_out(c) for c in rows], filters, has_next)


@router.post("", response={201: CommentOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
             summary="Write a comment",
             description="Comments under a history entry, on a task or on a file. Those involved are notified: "
                         "the entry's author and the followers of its records, a task's assignee and creator, a "
                         "file's uploader and the followers of its record, earlier commenters; and so are "
                         "colleagues named with @ or listed in `notify`.")
def create_comment(request: HttpRequest, payload: CommentCreate) -> Status:
    by = membership(request)
    _one_target(payload)
    entry = access_entry(by, payload.entry_id) if payload.entry_id is not None else None
    task = access_task(by, payload.task_id) if payload.task_id is not None else None
    file = access_file(by, payload.file_id) if payload.file_id is not None else None
    comment = actions.add_comment(by, payload.body, entry=entry, task=task, file=file, notify=payload.notify)
    return Status(201, comment_out(comment))


@router.delete("/{comment_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a comment",
               description="Deletes your own comment; administrators may delete anyone's.")
def delete_comment(request: HttpRequest, comment_id: Id) -> Status:
    by = membership(request)
    comment = Comment.objects.filter(account=by.account, pk=comment_id).select_related("entry").first()
    if comment is None:
        raise Http404
    if comment.entry_id is not None:
        access_entry(by, comment.entry_id)  # a confidential entry's comments are as hidden as it is
    if comment.file_id is not None:
        access_file(by, comment.file_id)  # so are those of a file the user may not see
    actions.delete_comment(comment, by)
    return Status(204, None)
