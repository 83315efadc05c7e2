"""Writing tasks and calendar feeds. Pages and the API both call these.

Rights: every member of the account may create, change, postpone and complete tasks. Deleting a
task is for power users and above (as deleting records is), and for the task's creator and its
assignee, who may always remove their own reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership, User
from kontor.history import activity
from kontor.history import system as system_lines
from kontor.history.models import ActivityVerb, Entry, EntryKind
from kontor.notifications import actions as notification_actions
from kontor.records.models import Record
from kontor.search import index as search_index
from kontor.tasks.models import CalendarFeed, Task, TaskType, new_feed_token, zone_of
from kontor.webhooks import actions as webhooks

TASK_FIELDS = ("title", "type", "due_date", "due_time", "description")
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_POSTPONE_DAYS = 3650
# The history line a completed task writes, by task type.
HISTORY_KIND = {TaskType.CALL: EntryKind.CALL, TaskType.MEETING: EntryKind.MEETING,
                TaskType.VISIT: EntryKind.MEETING}


class StaleTask(Exception):
    """The task changed since the editor loaded it; the save was refused."""

    def __init__(self, task: Task) -> None:
        super().__init__(_("Someone else changed this task in the meantime."))
        self.task = task


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """The task fields, checked and normalised; every problem at once, keyed by field."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    if "type" in cleaned and cleaned["type"] not in TaskType.values:
        errors["type"] = _("Choose one of the task types.")
    if "title" in cleaned:
        title = " ".join((cleaned["title"] or "").split())
        if not title and cleaned.get("type") in TaskType.values:
            title = str(TaskType(cleaned["type"]).label)  # "Call" says enough for a call
        if not title:
            errors["title"] = _("Please give the task a title.")
        elif len(title) > MAX_TITLE_LENGTH:
            errors["title"] = _("A title can have at most %(count)s characters.") % {
                "count": MAX_TITLE_LENGTH}
        cleaned["title"] = title
    if "description" in cleaned:
        cleaned["description"] = (cleaned["description"] or "").strip()
        if len(cleaned["description"]) > MAX_DESCRIPTION_LENGTH:
            errors["description"] = _("A description can have at most %(count)s characters.") % {
                "count": f"{MAX_DESCRIPTION_LENGTH:,}"}
    if cleaned.get("due_time") is not None and cleaned.get("due_date") is None:
        errors["due_time"] = _("A time needs a date: please choose the day too.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_assignee(by: Membership, assignee: User) -> None:
    if not Membership.objects.active().filter(account=by.account, user=assignee).exists():
        raise ValidationError({"assignee": _("Tasks can only be assigned to an active colleague.")})


def _check_record(by: Membership, record: Record | None) -> None:
    if record is None:
        return
    if record.account_id != by.account.pk:
        raise PermissionDenied
    if record.is_deleted:
        raise ValidationError({"record": _("This record is in the trash; restore it first.")})


@transaction.atomic
def create_task(by: Membership, fields: dict[str, Any], record: Record | None = None,
                assignee: User | None = None) -> Task:
    """A new open task, assigned to `assignee` (an active colleague) or else to its creator."""
    data = _clean({"title": "", "type": TaskType.TASK, "due_date": None, "due_time": None,
                   "description": "", **{k: v for k, v in fields.items() if k in TASK_FIELDS}})
    assignee = assignee or by.user
    _check_assignee(by, assignee)
    _check_record(by, record)
    now = timezone.now()
    task = Task.objects.create(account=by.account, record=record, assignee=assignee, created_by=by.user,
                               created_at=now, updated_at=now, **data)
    search_index.index(task)
    if assignee.pk != by.user.pk:
        _assigned(task, by)
    else:
        _task_activity(by, ActivityVerb.TASK_CREATED, task)
    webhooks.emit(by.account, "task.created", task)
    return task


def _task_activity(by: Membership, verb: str, task: Task, changes: dict[str, list[Any]] | None = None) -> None:
    activity.record_activity(by, verb, task.record, summary=task.title, changes=changes)


def _assigned(task: Task, by: Membership) -> None:
    """Someone else now has to do the task: the record's history and the assignee hear of it."""
    activity.record_activity(by, ActivityVerb.ASSIGNED, task.record, summary=task.title, subject_user=task.assignee)
    notification_actions.notify_assignment(task, by)


def _claim(task: Task, expected_version: int | None, **changes: Any) -> Task:
    """Writes the changes as the next version, or raises StaleTask when `expected_version` is
    given and no longer the stored one. One UPDATE ... WHERE version = expected, so two editors
    who loaded the same version cannot both win, whichever process they run in."""
    tasks = Task.objects.filter(pk=task.pk)
    if expected_version is not None:
        tasks = tasks.filter(version=expected_version)
    if not tasks.update(**changes, version=F("version") + 1, updated_at=timezone.now()):
        task.refresh_from_db()
        raise StaleTask(task)
    task.refresh_from_db()
    return task


@transaction.atomic
def update_task(task: Task, by: Membership, fields: dict[str, Any], assignee: User | None = None,
                version: int | None = None, record: Record | None | bool = False) -> Task:
    """Changes the given fields (and the assignee, when given; the record when it is not False,
    None taking the task off its record). With `version`, a task that someone else changed
    meanwhile is not overwritten (StaleTask)."""
    _check_same_account(by, task)
    changes = {k: v for k, v in fields.items() if k in TASK_FIELDS}
    if "due_date" in changes and changes["due_date"] is None:
        changes["due_time"] = None  # no day, no time of day
    cleaned = _clean({"type": task.type, "due_date": task.due_date, "due_time": task.due_time, **changes})
    data: dict[str, Any] = {name: cleaned[name] for name in changes}
    if assignee is not None:
        _check_assignee(by, assignee)
        data["assignee"] = assignee
    if record is not False:
        target = record if isinstance(record, Record) else None
        _check_record(by, target)
        data["record"] = target
    previous_assignee = task.assignee_id
    before = activity.snapshot(task, TASK_FIELDS)
    task = _claim(task, version, **data)
    search_index.index(task)
    diff = activity.field_diff(before, activity.snapshot(task, TASK_FIELDS))
    if diff:
        _task_activity(by, ActivityVerb.TASK_CHANGED, task, diff)
    if task.assignee_id != previous_assignee and task.assignee_id != by.user.pk:
        _assigned(task, by)
    webhooks.emit(by.account, "task.updated", task)
    return task


def postponed(due_date: dt.date | None, days: int, today: dt.date) -> dt.date:
    """The due date `days` later. A task without a date, or one already overdue, counts from
    today: +1 on a task due last Wednesday means tomorrow, not last Thursday. Plain calendar days:
    31 January + 1 is 1 February, and the time of day is not touched (see models.py)."""
    start = today if due_date is None or due_date < today else due_date
    return start + dt.timedelta(days=days)


def postpone_task(task: Task, by: Membership, days: int) -> Task:
    """Moves the task `days` days later (from today when it is overdue), keeping its time of day.
    Two quick clicks on "+1" move it two days: each step re-reads the date it starts from."""
    _check_same_account(by, task)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_POSTPONE_DAYS:
        raise ValidationError({"days": _("Postpone by 1 to %(max)s days.") % {"max": MAX_POSTPONE_DAYS}})
    for _attempt in range(5):
        task.refresh_from_db(fields=["due_date", "version"])
        today = timezone.localdate(timezone=zone_of(task.assignee.time_zone))
        before = task.due_date
        try:
            with transaction.atomic():
                _claim(task, task.version, due_date=postponed(before, days, today))
                _task_activity(by, ActivityVerb.TASK_CHANGED, task,
                               activity.field_diff({"due_date": before}, {"due_date": task.due_date}))
                webhooks.emit(by.account, "task.updated", task)
            return task
        except StaleTask:
            continue
    raise StaleTask(task)


@transaction.atomic
def complete_task(task: Task, by: Membership) -> Entry | None:
    """Marks the task done (refreshing `task`) and writes a line into its record's history, which
    it returns (a system line: each reader sees "Done: <title>" in their own language).
    Completing a task that is already done changes nothing and writes no second line."""
    _check_same_account(by, task)
    now = timezone.now()
    if not Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now, done_by=by.user, updated_at=now, version=F("version") + 1):
        task.refresh_from_db()
        return None
    task.refresh_from_db()
    _task_activity(by, ActivityVerb.TASK_DONE, task)
    webhooks.emit(by.account, "task.updated", task)
    if task.record is None or task.record.is_deleted:
        return None
    return system_lines.add_task_done_line(by, task.record, title=task.title, description=task.description,
                                           kind=HISTORY_KIND.get(TaskType(task.type), EntryKind.NOTE))


@transaction.atomic
def reopen_task(task: Task, by: Membership) -> Task:
    """Makes a done task open again (the history line it wrote stays: it did happen)."""
    _check_same_account(by, task)
    reopened = Task.objects.filter(pk=task.pk, done_at__isnull=False).update(
        done_at=None, done_by=None, updated_at=timezone.now(), version=F("version") + 1)
    task.refresh_from_db()
    if reopened:
        _task_activity(by, ActivityVerb.TASK_REOPENED, task)
        webhooks.emit(by.account, "task.updated", task)
    return task


class _Owned(Protocol):
    """What the right to delete a task reads of it (a Task or a TaskLine)."""

    @property
    def created_by_id(self) -> int | None: ...

    @property
    def assignee_id(self) -> int: ...


def can_delete_task(by: Membership, task: _Owned) -> bool:
    return (roles.can_delete_records(by.role) or task.created_by_id == by.user.pk
            or task.assignee_id == by.user.pk)


@transaction.atomic
def delete_task(task: Task, by: Membership) -> None:
    """Deletes the task for good (tasks have no trash; a done task stays in the record's history)."""
    _check_same_account(by, task)
    if not can_delete_task(by, task):
        raise PermissionDenied(_("Only power users, the task's creator and its assignee can delete a task."))
    search_index.remove_objects(Task, [task.pk])
    search_index.remove_comments_of(task=task)
    _task_activity(by, ActivityVerb.TASK_DELETED, task)
    webhooks.emit(by.account, "task.deleted", task)
    task.delete()


def _check_same_account(by: Membership, task: Task) -> None:
    if task.account_id != by.account.pk:
        raise PermissionDenied


def calendar_feed_for(membership: Membership) -> CalendarFeed:
    """The membership's calendar feed, created on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(membership=membership)
    return feed


def regenerate_calendar_feed(membership: Membership) -> CalendarFeed:
    """Gives the feed a new secret URL; the old one gets 404 from this moment on."""
    feed = calendar_feed_for(membership)
    CalendarFeed.objects.filter(pk=feed.pk).update(token=new_feed_token(), updated_at=timezone.now())
    feed.refresh_from_db()
    return feed


def set_calendar_feed_scope(membership: Membership, include_team: bool) -> CalendarFeed:
    """Whether the feed carries the whole team's open tasks or only the user's own."""
    feed = calendar_feed_for(membership)
    CalendarFeed.objects.filter(pk=feed.pk).update(include_team=include_team, updated_at=timezone.now())
    feed.refresh_from_db()
    return feed
