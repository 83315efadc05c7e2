"""A task's row, worked out in Python once per task, with what every row of a page shares worked
out once per page.

The Tasks area shows 100 rows. Asked of the template row by row (a filter for the due day, one for
overdue, one for the right to delete, five `{% id_url %}`, nine `{% translate %}`, an include for the
bulk checkbox), a row cost about 3,400 Python calls; here each value is computed once and the
template only writes it out. `tasks/_task.html` renders a page's `TaskRows`, which
`{% task_rows tasks as task_rows %}` (task_tags) or `task_rows()` make.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership, User
from kontor.lib.urls import id_url
from kontor.records.models import KIND_URL_NAMESPACE, Kind, Record
from kontor.tasks import actions
from kontor.tasks.models import Task, TaskType, is_past_due, wall_clock


def _day(now: dt.date | dt.datetime) -> dt.date:
    return now.date() if isinstance(now, dt.datetime) else now


def due_day(day: dt.date | None, today: dt.date | dt.datetime) -> str:
    """The one rule for a day on every task list and page: relative while it is near ("Today",
    "Tomorrow", "Yesterday", a weekday within the coming week), else the date in full, with its
    year ("11 December 2026"), whatever the year. Never a third style."""
    if day is None:
        return _("No date")
    if isinstance(day, dt.datetime):  # a moment (when a task was done): its day on the user's clock
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    difference = (day - _day(today)).days
    names = {0: _("Today"), 1: _("Tomorrow"), -1: _("Yesterday")}
    if difference in names:
        return names[difference]
    if 1 < difference < 7:
        return formats.date_format(day, "l")
    return formats.date_format(day, "DATE_FORMAT")


def due_label(task: Task, today: dt.date | dt.datetime) -> str:
    """The due day by the rule of due_day, with the time of day when there is one."""
    return _due_text(task.due_date, task.due_time, today)


def _due_text(due_date: dt.date | None, due_time: dt.time | None, today: dt.date | dt.datetime) -> str:
    label = due_day(due_date, today)
    if due_date is not None and due_time is not None:
        label = f"{label}, {formats.time_format(due_time, 'TIME_FORMAT')}"
    return label


_EMPTY = SafeString("")

def _escape(text: str) -> SafeString:
    """django.utils.html.escape, without its check for lazy strings (a row's texts are never lazy)."""
    return SafeString(html.escape(text))


def _safe(text: str) -> SafeString:
    """Text made here of digits, dates and fixed words, or one of our own translations as
    `{% translate %}` writes it: nothing in it to escape."""
    return SafeString(text)


class _IdURL:
    """A URL with one id (`tasks:done`, `people:detail`, ...); each row puts in its own (lib/urls.id_url:
    a path of fixed parts and digits, nothing in it to escape)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, object_id: int, query: str = "") -> SafeString:
        return SafeString(id_url(self.name, object_id) + query)


def _fill(translation: str, **values: SafeString) -> SafeString:
    """A text with (escaped) values as `{% blocktranslate with ... %}` writes it."""
    return SafeString(translation % values)


@dataclass
class RowPage:
    """What every task row on one page shares: where the rows stand and return to, the viewer, the
    clock, and the rows' fixed texts in the viewer's language. Whatever the row writes out is
    escaped here once (a SafeString), so the template writes it as it is."""

    membership: Membership
    clock: dt.date | dt.datetime
    placement: str
    next: str
    bulk: bool = False

    def __post_init__(self) -> None:
        self.today, self.time = wall_clock(self.clock)
        next_query = conditional_escape(quote(self.next))
        self.back_query = f"?next={next_query}"
        self.edit_query = f"?placement={conditional_escape(self.placement)}&amp;next={next_query}"
        self.done_url, self.reopen_url = _IdURL("tasks:done"), _IdURL("tasks:reopen")
        self.postpone_url, self.edit_url = _IdURL("tasks:postpone"), _IdURL("tasks:edit")
        self.delete_url = _IdURL("tasks:delete")
        self.type_labels = {value: conditional_escape(label) for value, label in TaskType.choices}
        self.types = {value: _escape(value) for value in TaskType.values}
        self.day_labels: dict[tuple[dt.date | None, dt.time | None], SafeString] = {}
        self.names: dict[int, SafeString] = {}
        self.record_urls: dict[str, _IdURL] = {}
        self.overdue = _safe(_("Overdue"))
        self.assigned_to = _safe(_("Assigned to"))
        self.one_day_later = _safe(_("One day later, same time"))
        self.one_week_later = _safe(_("One week later, same time"))
        self.edit = _safe(_("Edit"))
        self.done = _safe(_("Done"))
        self.reopen = _safe(_("Reopen"))
        self.delete = _safe(_("Delete"))
        self.done_by_text = _("Done by %(name)s")
        self.delete_text = _("Delete the task “%(title)s”?")

    def due_label(self, due_date: dt.date | None, due_time: dt.time | None) -> SafeString:
        """due_label, once per due day and time on the page."""
        key = (due_date, due_time)
        if key not in self.day_labels:
            self.day_labels[key] = conditional_escape(_due_text(due_date, due_time, self.today))
        return self.day_labels[key]

    def record_url(self, record: Record) -> SafeString:
        """record.get_absolute_url(), escaped, with one URL pattern per kind on the page."""
        if record.kind not in self.record_urls:
            self.record_urls[record.kind] = _IdURL(f"{KIND_URL_NAMESPACE[Kind(record.kind)]}:detail")
        return self.record_urls[record.kind](record.pk)

    def name(self, user: User) -> SafeString:
        """A user's name, once per user on the page."""
        if user.pk not in self.names:
            self.names[user.pk] = _escape(user.name)
        return self.names[user.pk]


@dataclass
class TaskRow:
    """One task as its row shows it (tasks/_task.html); every text already escaped."""

    page: RowPage
    task: Task
    id: SafeString
    css: SafeString
    title: SafeString
    type: SafeString
    description: str
    type_label: SafeString
    assignee: SafeString
    done_url: SafeString
    is_done: bool = False
    is_overdue: bool = False
    record_url: SafeString = _EMPTY
    record_name: SafeString = _EMPTY
    done_note: SafeString = _EMPTY
    done_iso: SafeString = _EMPTY
    done_day: SafeString = _EMPTY
    due_iso: SafeString = _EMPTY
    due_label: SafeString = _EMPTY
    reopen_url: SafeString = _EMPTY
    postpone_url: SafeString = _EMPTY
    edit_link: SafeString = _EMPTY
    edit_htmx: SafeString = _EMPTY
    delete_url: SafeString = _EMPTY
    delete_link: SafeString = _EMPTY
    delete_confirm: SafeString = _EMPTY


def task_row(page: RowPage, task: Task) -> TaskRow:
    """The row of one task, seen by the page's viewer at the page's clock."""
    task_id = task.pk
    done = task.done_at is not None
    overdue = not done and task.due_date is not None and is_past_due(
        task.due_date, task.due_time, page.today, page.time)
    css = "task"
    if overdue:
        css += " is-overdue"
    if task.assignee_id == page.membership.user.pk:
        css += " is-mine"
    if done:
        css += " is-done"
    title = _escape(task.title)
    row = TaskRow(page, task, id=_safe(str(task_id)), css=_safe(css), title=title,
                  type=page.types.get(task.type) or _escape(task.type), description=task.description,
                  type_label=page.type_labels.get(task.type) or _escape(task.type),
                  assignee=page.name(task.assignee), done_url=page.done_url(task_id),
                  is_done=done, is_overdue=overdue)
    record = task.record if page.placement != "record" and task.record_id is not None else None
    if record is not None:
        row.record_url, row.record_name = page.record_url(record), _escape(record.display_name)
    if task.done_at is not None:
        done_by = task.done_by
        row.done_note = _fill(page.done_by_text, name=page.name(done_by)) if done_by else page.done
        row.done_iso = _safe(timezone.localtime(task.done_at).isoformat())
        row.done_day = _escape(due_day(task.done_at, page.today))
        row.reopen_url = page.reopen_url(task_id)
    else:
        row.postpone_url = page.postpone_url(task_id)
        row.edit_link = page.edit_url(task_id, page.back_query)
        row.edit_htmx = page.edit_url(task_id, page.edit_query)
        if task.due_date is not None:
            due_iso = task.due_date.isoformat()
            if task.due_time is not None:
                due_iso += "T" + task.due_time.strftime("%H:%M")
            row.due_iso = _safe(due_iso)
        row.due_label = page.due_label(task.due_date, task.due_time)
    if actions.can_delete_task(page.membership, task):
        row.delete_url = page.delete_url(task_id)
        row.delete_link = page.delete_url(task_id, page.back_query)
        row.delete_confirm = _fill(page.delete_text, title=title)
    return row


class TaskRows(list[TaskRow]):
    """Rows of one page, with what they share (`page`), as tasks/_task.html takes them."""

    def __init__(self, page: RowPage, tasks: Iterable[Task]) -> None:
        super().__init__(task_row(page, task) for task in tasks)
        self.page = page


def task_rows(membership: Membership, tasks: Iterable[Task], clock: dt.date | dt.datetime, placement: str,
              next_url: str, bulk: bool = False) -> TaskRows:
    """The rows of `tasks` for one page (`placement` "record" or "list"; `next_url` where their
    buttons return to without JavaScript)."""
    return TaskRows(RowPage(membership, clock, placement, next_url, bulk), tasks)
