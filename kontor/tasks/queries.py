"""Reading tasks: the Tasks area's filters and time groups, and the section on a record page.

Everything here takes the moment to judge by (`now`) or the day (`today`) as an argument, so tests
can place it just before or after midnight without touching the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

from django.db import connections
from django.db.models import CharField, F, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Membership
from kontor.lib.params import parse_id, parse_page
from kontor.lib.prepared import prepared
from kontor.records.models import Record
from kontor.tasks.models import Task, TaskType, is_past_due, overdue_q, zone_of

PAGE_SIZE = 100


class State:
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    CHOICES = [(OPEN, _("Open")), (OVERDUE, _("Overdue")), (DONE, _("Done"))]


# The time groups of open tasks, in the order they are shown (which is also due-date order).
GROUPS = [
    ("overdue", _("Overdue")),
    ("today", _("Today")),
    ("tomorrow", _("Tomorrow")),
    ("this_week", _("This week")),
    ("next_week", _("Next week")),
    ("later", _("Later")),
    ("no_date", _("No date")),
]


def today_for(membership: Membership, now: dt.datetime) -> dt.date:
    """The calendar day `now` falls on in the user's time zone."""
    return now.astimezone(zone_of(membership.user.time_zone)).date()


def clock_for(membership: Membership, now: dt.datetime) -> dt.datetime:
    """`now` as the user's wall clock reads it (naive, in the user's time zone): the moment from
    which a timed task counts as overdue."""
    return now.astimezone(zone_of(membership.user.time_zone)).replace(tzinfo=None)


@dataclass(frozen=True)
class Boundaries:
    """The first day of each time group after "overdue", for a given today (weeks start on Monday)."""

    today: dt.date

    @property
    def tomorrow(self) -> dt.date:
        return self.today + dt.timedelta(days=1)

    @property
    def after_tomorrow(self) -> dt.date:
        return self.today + dt.timedelta(days=2)

    @property
    def next_week(self) -> dt.date:
        return self.today + dt.timedelta(days=7 - self.today.weekday())

    @property
    def week_after_next(self) -> dt.date:
        return self.next_week + dt.timedelta(days=7)


def group_of(due_date: dt.date | None, today: dt.date, due_time: dt.time | None = None,
             time: dt.time | None = None) -> str:
    """The time group a due date belongs to, seen from `today` (and, when given, the time of day
    `time`: a task due today at a time before it is overdue)."""
    if due_date is None:
        return "no_date"
    days = Boundaries(today)
    if is_past_due(due_date, due_time, days.today, time):
        return "overdue"
    if due_date == days.today:
        return "today"
    if due_date == days.tomorrow:
        return "tomorrow"
    if due_date < days.next_week:
        return "this_week"
    if due_date < days.week_after_next:
        return "next_week"
    return "later"


class Due(Protocol):
    """What grouping reads of a task (a Task or a TaskLine)."""

    @property
    def due_date(self) -> dt.date | None: ...

    @property
    def due_time(self) -> dt.time | None: ...


@dataclass
class TaskGroup:
    key: str
    label: Any
    count: int = 0
    tasks: list[Any] = field(default_factory=list)


def group_tasks(tasks: Sequence[Due], today: dt.date, counts: dict[str, int] | None = None,
                time: dt.time | None = None) -> list[TaskGroup]:
    """Open tasks (Tasks or TaskLines) in their time groups, in display order; groups without tasks
    are left out. `counts` (from group_counts) gives the full size of each group when `tasks` is one page."""
    groups = {key: TaskGroup(key, label) for key, label in GROUPS}
    for task in tasks:
        groups[group_of(task.due_date, today, task.due_time, time)].tasks.append(task)
    for group in groups.values():
        group.count = counts.get(group.key, 0) if counts is not None else len(group.tasks)
    return [group for group in groups.values() if group.tasks]


def group_counts(tasks: QuerySet[Task], today: dt.date, time: dt.time | None = None) -> dict[str, int]:
    """How many tasks each time group holds, in one query (an index range, not a table scan).

    The counts are written in SQL around the ORM's own query of `tasks` (its filters, joins and
    parameters): as seven filtered Counts the ORM took some 7,000 Python calls a page to build
    them. Each condition is the one of group_of (and of overdue_q), in SQL."""
    days = Boundaries(today)
    connection = connections[tasks.db]
    day, clock = connection.ops.adapt_datefield_value, connection.ops.adapt_timefield_value
    inner, inner_params = tasks.order_by().values("due_date", "due_time").query.sql_with_params()
    if time is None:
        overdue, overdue_params = "due_date < %s", [day(days.today)]
        on_time, on_time_params = "1 = 1", []
    else:
        overdue = "(due_date < %s OR (due_date = %s AND due_time < %s))"
        overdue_params = [day(days.today), day(days.today), clock(time)]
        on_time, on_time_params = "(due_time IS NULL OR due_time >= %s)", [clock(time)]
    conditions = {
        "overdue": (overdue, overdue_params),
        "today": (f"due_date = %s AND {on_time}", [day(days.today), *on_time_params]),
        "tomorrow": ("due_date = %s", [day(days.tomorrow)]),
        "this_week": ("due_date >= %s AND due_date < %s", [day(days.after_tomorrow), day(days.next_week)]),
        "next_week": ("due_date >= %s AND due_date < %s", [day(days.next_week), day(days.week_after_next)]),
        "later": ("due_date >= %s", [day(days.week_after_next)]),
        "no_date": ("due_date IS NULL", []),
    }
    count = "COUNT(*) FILTER (WHERE {})" if connection.features.supports_aggregate_filter_clause else \
        "COUNT(CASE WHEN {} THEN 1 END)"  # as the ORM writes a Count with a filter
    counts = ", ".join(count.format(condition) for condition, _params in conditions.values())
    params = [param for _condition, condition_params in conditions.values() for param in condition_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts} FROM ({inner}) AS tasks", [*params, *inner_params])  # noqa: S608
        row = cursor.fetchone()
    return dict(zip(conditions, row, strict=True))


@dataclass
class TaskFilters:
    """What the Tasks area shows: whose tasks (a user id, or None for everyone), which state,
    which type and optionally only those on one record."""

    user_id: int | None
    state: str = State.OPEN
    type: str = ""
    record_id: int | None = None
    page: int = 1

    @classmethod
    def from_query(cls, membership: Membership, query: Any) -> TaskFilters:
        """Filters from the page's query string; anything unknown falls back to the default."""
        user = query.get("user", "")
        user_id: int | None = membership.user.pk
        if user == "all":
            user_id = None
        elif (colleague := parse_id(user)) and Membership.objects.active().filter(
                account=membership.account, user_id=colleague).exists():
            user_id = colleague
        state = query.get("state", "")
        task_type = query.get("type", "")
        record = query.get("record", "")
        page = query.get("page", "")
        return cls(user_id=user_id,
                   state=state if state in {State.OPEN, State.OVERDUE, State.DONE} else State.OPEN,
                   type=task_type if task_type in TaskType.values else "",
                   record_id=parse_id(record),
                   page=parse_page(page))

    def query_string(self) -> str:
        """These filters (without the page) as a query string, for the pager's links."""
        values = {"user": self.user_id if self.user_id is not None else "all", "state": self.state,
                  "type": self.type, "record": self.record_id or ""}
        return urlencode({key: value for key, value in values.items() if value != ""})


def filtered_tasks(membership: Membership, filters: TaskFilters, today: dt.date | dt.datetime) -> QuerySet[Task]:
    """The account's tasks matching the filters, in the order the Tasks area lists them: open tasks
    by due date (untimed before timed on a day, undated last), done tasks most recent first.
    `today` may be the user's wall clock (clock_for), so that "overdue" counts timed tasks from
    their time of day."""
    tasks = Task.objects.visible_in(membership.account)
    if filters.user_id is not None:
        tasks = tasks.filter(assignee_id=filters.user_id)
    if filters.type:
        tasks = tasks.filter(type=filters.type)
    if filters.record_id is not None:
        tasks = tasks.filter(record_id=filters.record_id)
    if filters.state == State.DONE:
        return tasks.done().order_by("-done_at", "-pk")
    tasks = tasks.open()
    if filters.state == State.OVERDUE:
        tasks = tasks.filter(overdue_q(today))
    return tasks.order_by(F("due_date").asc(nulls_last=True), F("due_time").asc(nulls_first=True), "pk")


class TaskLine(NamedTuple):
    """What a task's row shows (kontor/tasks/rows.py), read as one tuple per task: its own columns
    and the names of its record and people, without making a Task, a Record and a User of each."""

    pk: int
    title: str
    type: str
    description: str
    due_date: dt.date | None
    due_time: dt.time | None
    done_at: dt.datetime | None
    assignee_id: int
    created_by_id: int | None
    record_id: int | None
    record_kind: str | None
    record_name: str | None
    assignee_name: str
    done_by_id: int | None
    done_by_name: str | None

    @classmethod
    def of(cls, task: Task, with_record: bool = True) -> TaskLine:
        """The line of a task at hand; its record only `with_record` (a record page has it already)."""
        record = task.record if with_record and task.record_id is not None else None
        done_by = task.done_by if task.done_by_id is not None else None
        return cls(task.pk, task.title, task.type, task.description, task.due_date, task.due_time, task.done_at,
                   task.assignee_id, task.created_by_id, task.record_id, record.kind if record else None,
                   record.display_name if record else None, task.assignee.name, task.done_by_id,
                   done_by.name if done_by else None)


_NONE = Value(None, output_field=CharField())


def task_lines(tasks: QuerySet[Task], done: bool = False, with_record: bool = True) -> QuerySet[Any]:
    """`tasks` as TaskLine columns, in one query: the names of their records (`with_record`; a
    record page leaves them out), their assignees and, for done tasks (`done`), who completed them
    (an open task has no one to join)."""
    return tasks.values_list(
        "pk", "title", "type", "description", "due_date", "due_time", "done_at", "assignee_id", "created_by_id",
        "record_id", "record__kind" if with_record else _NONE, "record__display_name" if with_record else _NONE,
        "assignee__name", "done_by_id", "done_by__name" if done else _NONE)


def page_of(tasks: QuerySet[Task], page: int, done: bool = False) -> tuple[list[TaskLine], bool]:
    """One page of tasks as their rows show them (TaskLine), done ones (`done`) also with who
    completed them; and whether more follow."""
    start = (page - 1) * PAGE_SIZE
    lines = list(map(TaskLine._make, task_lines(tasks, done)[start:start + PAGE_SIZE + 1]))
    return lines[:PAGE_SIZE], len(lines) > PAGE_SIZE


def record_tasks(record: Record) -> list[TaskLine]:
    """The open tasks on a record, by due date, with their assignees: one query."""
    return list(map(TaskLine._make, _open_task_lines(record.pk)))


@prepared
def _open_task_lines(record_id: int) -> QuerySet[Task, tuple]:
    tasks = Task.objects.filter(record_id=record_id).open().order_by(
        F("due_date").asc(nulls_last=True), F("due_time").asc(nulls_first=True), "pk")
    return task_lines(tasks, with_record=False)
