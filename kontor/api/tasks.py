"""/api/v1/tasks: list with filters, create, read, change, delete, and the +1/+7 and done buttons
(postpone, done, reopen).

Due dates are the assignee's wall-clock day and time: `due_date` "2025-06-02" with `due_time`
"14:30" is half past two in the assignee's time zone, and postponing keeps that time of day."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts.models import Membership, User
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, StaleOut, field_error, locating
from kontor.api.lists import ChangedSince, Page, PageParams, aware, envelope, page_of
from kontor.api.schemas import Date, Id, Text, WallTime, sent_fields
from kontor.records.access import access_colleague, access_record, access_task
from kontor.records.models import Record
from kontor.tasks import actions
from kontor.tasks.actions import MAX_POSTPONE_DAYS
from kontor.tasks.models import Task

router = Router(tags=["Tasks"])

TaskTypeName = Literal["task", "call", "meeting", "email", "visit", "preparation", "other"]
# Where an action's error keys belong in the request body.
PLACES: dict[str, list[str | int]] = {"assignee": ["body", "assignee_id"], "record": ["body", "record_id"]}


class TaskOut(Schema):
    id: int
    title: str
    type: str = Field(description="task, call, meeting, email, visit, preparation or other")
    record_id: int | None = Field(description="The person, company, deal or project the task is about.")
    record_kind: str | None = Field(description="person, company, deal or project")
    record_name: str | None
    assignee_id: int
    assignee_name: str
    due_date: dt.date | None = Field(description="The day, in the assignee's time zone.")
    due_time: WallTime | None = Field(description="The time of day; null when the task is for any time that day.")
    description: str
    is_overdue: bool = Field(description="Open and past due: due on an earlier day, or today at a time "
                                         "that has passed (in your time zone).")
    done_at: dt.datetime | None
    done_by_id: int | None
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TaskPage(Page):
    items: list[TaskOut]


class TaskFilters(PageParams, ChangedSince):
    assignee_id: Id | None = Field(None, description="Only tasks of this colleague.")
    record_id: Id | None = Field(None, description="Only tasks on this record.")
    state: Literal["open", "overdue", "done"] | None = Field(None, description="open, overdue (open and past "
                                                              "due: an earlier day, or today's time passed) "
                                                              "or done; all tasks if left out.")
    type: TaskTypeName | None = None
    due_from: Date | None = Field(None, description="Only tasks due on or after this day.")
    due_to: Date | None = Field(None, description="Only tasks due on or before this day.")
    order: Literal["due", "-updated_at"] = Field("due", description="`due` (open ones by due date, undated "
                                                 "last; done ones most recently done first) or `-updated_at` "
                                                 "(recently changed first).")


class TaskFields(Schema):
    title: Text | None = Field(None, max_length=200, description="Left empty, the type names the task "
                                                                 "(“Call”).")
    type: TaskTypeName | None = Field(None, description="Left out or null: `task` when creating, unchanged "
                                                         "when changing.")
    record_id: Id | None = Field(None, description="A live person, company, deal or project of the account.")
    assignee_id: Id | None = Field(None, description="An active colleague (see /users); you if left out.")
    due_date: Date | None = None
    due_time: WallTime | None = Field(None, description="A time of day (14:30), without a UTC offset: it is "
                                                        "meant in the assignee's time zone. Without a date, "
                                                        "the task is due today at this time.")
    description: Text | None = Field(None, max_length=10_000)


class TaskUpdate(TaskFields):
    version: Id | None = Field(None, description="The version the change started from; if the task changed "
                                                 "since, the update fails with 409.")


class PostponeIn(Schema):
    days: int = Field(1, ge=1, le=MAX_POSTPONE_DAYS, description="1 for +1 (the default), 7 for +7; any "
                                                                  "count of days from 1 up.")


def task_out(task: Task, now: dt.date | dt.datetime) -> dict[str, Any]:
    """A task as JSON; expects `record` and `assignee` selected."""
    record = task.record
    return {
        "id": task.pk, "title": task.title, "type": task.type, "record_id": task.record_id,
        "record_kind": record.kind if record else None, "record_name": record.display_name if record else None,
        "assignee_id": task.assignee_id, "assignee_name": task.assignee.name, "due_date": task.due_date,
        "due_time": task.due_time, "description": task.description, "is_overdue": task.is_overdue(now),
        "done_at": task.done_at, "done_by_id": task.done_by_id, "created_by_id": task.created_by_id,
        "created_at": task.created_at, "updated_at": task.updated_at, "version": task.version,
    }


def _out(by: Membership, task_id: int) -> dict[str, Any]:
    return task_out(access_task(by, task_id), timezone.localtime())


def _filtered(by: Membership, filters: TaskFilters) -> QuerySet[Task]:
    tasks = Task.objects.visible_in(by.account).select_related("record", "assignee")
    for name in ("assignee_id", "record_id", "type"):
        if getattr(filters, name) is not None:
            tasks = tasks.filter(**{name: getattr(filters, name)})
    if filters.due_from is not None:
        tasks = tasks.filter(due_date__gte=filters.due_from)
    if filters.due_to is not None:
        tasks = tasks.filter(due_date__lte=filters.due_to)
    if filters.updated_since is not None:
        tasks = tasks.filter(updated_at__gte=aware(filters.updated_since, ["query", "updated_since"]))
    if filters.state == "done":
        tasks = tasks.done()
    elif filters.state == "open":
        tasks = tasks.open()
    elif filters.state == "overdue":
        tasks = tasks.overdue(timezone.localtime())
    if filters.order == "-updated_at":
        return tasks.order_by("-updated_at", "-pk")
    if filters.state == "done":
        return tasks.order_by("-done_at", "-pk")
    return tasks.order_by(F("due_date").asc(nulls_last=True), F("due_time").asc(nulls_first=True), "pk")


def _assignee(by: Membership, data: dict[str, Any]) -> User | None:
    if data.get("assignee_id") is None:
        return None
    try:
        colleague = access_colleague(by, data["assignee_id"])
    except Http404:
        raise InvalidInput([field_error(["body", "assignee_id"], _(
            "There is no active colleague with this id in your account."))]) from None
    return colleague.user if colleague else None


def _record(by: Membership, data: dict[str, Any]) -> Record | None:
    if data.get("record_id") is None:
        return None
    try:
        return access_record(by, data["record_id"])
    except Http404:
        raise InvalidInput([field_error(["body", "record_id"], _(
            "There is no record with this id in your account."))]) from None


def _fields(data: dict[str, Any], task: Task | None = None) -> dict[str, Any]:
    """The task fields that were sent, for the action. `type: null` counts as left out. A time of day
    without a date is that time today: when creating, and when changing a task that has no date
    (`due_date: null` on a change still removes the date and the time)."""
    fields = {name: data[name] for name in actions.TASK_FIELDS if name in data}
    if "type" in fields and fields["type"] is None:
        del fields["type"]
    if fields.get("due_time") is not None and fields.get("due_date") is None and (
            task is None or ("due_date" not in fields and task.due_date is None)):
        fields["due_date"] = timezone.localdate()
    return fields


@router.get("", response={200: TaskPage, 422: InvalidInputOut}, summary="List tasks",
            description="Open tasks come by due date (undated last), done ones most recently done first. "
                        "Tasks on records in the trash are left out.")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict:
    tasks, has_next = page_of(_filtered(membership(request), filters), filters)
    now = timezone.localtime()
    return envelope([task_out(task, now) for task in tasks], filters, has_next)


@router.post("", response={201: TaskOut, 422: InvalidInputOut}, summary="Create a task",
             description="Every member may create tasks, for themselves or an active colleague.")
def create_task(request: HttpRequest, payload: TaskFields) -> Status:
    by = membership(request)
    data = sent_fields(payload)
    with locating(PLACES):
        task = actions.create_task(by, {k: v for k, v in _fields(data).items() if v is not None},
                                   record=_record(by, data), assignee=_assignee(by, data))
    return Status(201, _out(by, task.pk))


@router.get("/{task_id}", response={200: TaskOut, 404: ErrorOut}, summary="Read a task")
def read_task(request: HttpRequest, task_id: Id) -> dict:
    return _out(membership(request), task_id)


@router.patch("/{task_id}", response={200: TaskOut, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
              summary="Change a task",
              description="Changes only the fields that are sent; `due_date: null` removes the date and the "
                          "time, `record_id: null` takes the task off its record. With `version`, a task "
                          "changed by someone else meanwhile is not overwritten: the answer is 409.")
def update_task(request: HttpRequest, task_id: Id, payload: TaskUpdate) -> Any:
    by = membership(request)
    task = access_task(by, task_id)
    data = sent_fields(payload)
    record: Record | None | bool = _record(by, data) if "record_id" in data else False
    try:
        with locating(PLACES):
            actions.update_task(task, by, _fields(data, task), assignee=_assignee(by, data), record=record,
                                version=data.get("version"))
    except actions.StaleTask as stale:
        return Status(409, {"detail": _("Someone else changed this task in the meantime. Load it again, "
                                        "apply your change and send the new version."),
                            "version": stale.task.version})
    return _out(by, task_id)


@router.delete("/{task_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a task",
               description="Deletes the task for good. Power users and above, the task's creator and its "
                           "assignee may.")
def delete_task(request: HttpRequest, task_id: Id) -> Status:
    by = membership(request)
    actions.delete_task(access_task(by, task_id), by)
    return Status(204, None)


@router.post("/{task_id}/postpone", response={200: TaskOut, 404: ErrorOut, 422: InvalidInputOut},
             summary="Postpone a task",
             description="Moves the due date `days` later and keeps the time of day; a task without a date "
                         "becomes due `days` after today.")
def postpone_task(request: HttpRequest, task_id: Id, payload: PostponeIn) -> dict:
    by = membership(request)
    actions.postpone_task(access_task(by, task_id), by, payload.days)
    return _out(by, task_id)


@router.post("/{task_id}/done", response={200: TaskOut, 404: ErrorOut}, summary="Mark a task done",
             description="Writes a line into the history of the task's record. A task that is already done "
                         "stays as it is.")
def complete_task(request: HttpRequest, task_id: Id) -> dict:
    by = membership(request)
    actions.complete_task(access_task(by, task_id), by)
    return _out(by, task_id)


@router.post("/{task_id}/reopen", response={200: TaskOut, 404: ErrorOut}, summary="Open a done task again")
def reopen_task(request: HttpRequest, task_id: Id) -> dict:
    by = membership(request)
    actions.reopen_task(access_task(by, task_id), by)
    return _out(by, task_id)
