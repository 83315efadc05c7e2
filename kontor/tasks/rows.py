"""A task's row, worked out in Python once per task, with what every row of a page shares worked
out once per page.

The Tasks area shows 100 rows. Asked of the template row by row (a filter for the due day, one for
overdue, one for the right to delete, five `{% id_url %}`, nine `{% translate %}`, an include for the
bulk checkbox), a row cost about 3,400 Python calls; with its values worked out here and only written
out by the template, still about 1,000. Now the row template, tasks/_task.html, is rendered once per
shape of row on a page (done or open, overdue or not, with a record or not, ...) with stand-ins for
the row's own texts, and each row is that skeleton with its texts put in: one `%` per row.
`{% task_rows tasks %}` (task_tags) and `task_rows()` write a page's rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote

from django.template.defaultfilters import linebreaksbr
from django.template.loader import get_template
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.lib.dates import day_text
from kontor.lib.stamped import STAND_IN, mark, skeleton
from kontor.lib.text import linkify
from kontor.lib.urls import IdURL, id_url
from kontor.records.models import KIND_URL_NAMESPACE, Kind
from kontor.tasks import actions
from kontor.tasks.models import Task, TaskType, is_past_due, wall_clock
from kontor.tasks.queries import TaskLine


def _day(now: dt.date | dt.datetime) -> dt.date:
    return now.date() if isinstance(now, dt.datetime) else now


class DayWords:
    """What due_day writes days with, in the active language: asked once per page of rows, not
    once per day shown; `DayWords.now()` gives the one of the active language."""

    @staticmethod
    def now() -> DayWords:
        """The words of the active language, made once per language (filters on a page's rows)."""
        return _day_words(get_language())

    def __init__(self) -> None:
        self.near = {0: _("Today"), 1: _("Tomorrow"), -1: _("Yesterday")}
        self.no_date = _("No date")
        self.date_format = formats.get_format("DATE_FORMAT")
        self.time_format = formats.get_format("TIME_FORMAT")
        self.language = get_language()


@functools.lru_cache(maxsize=16)
def _day_words(language: str) -> DayWords:
    # `language` is the active one, which the words are made in: it keys the cache.
    return DayWords()


def due_day(day: dt.date | None, today: dt.date | dt.datetime, words: DayWords | None = None) -> str:
    """The one rule for a day on every task list and page: relative while it is near ("Today",
    "Tomorrow", "Yesterday", a weekday within the coming week), else the date in full, with its
    year ("11 December 2026"), whatever the year. Never a third style."""
    words = words or DayWords.now()
    if day is None:
        return words.no_date
    if isinstance(day, dt.datetime):  # a moment (when a task was done): its day on the user's clock
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    difference = (day - _day(today)).days
    if difference in words.near:
        return words.near[difference]
    if 1 < difference < 7:
        return day_text(day, "l", words.language)
    return day_text(day, words.date_format, words.language)


def due_label(task: Task, today: dt.date | dt.datetime) -> str:
    """The due day by the rule of due_day, with the time of day when there is one."""
    return _due_text(task.due_date, task.due_time, today)


def _due_text(due_date: dt.date | None, due_time: dt.time | None, today: dt.date | dt.datetime,
              words: DayWords | None = None) -> str:
    words = words or DayWords.now()
    label = due_day(due_date, today, words)
    if due_date is not None and due_time is not None:
        label = f"{label}, {dateformat.time_format(due_time, words.time_format)}"
    return label


_EMPTY = SafeString("")


def _safe(text: str) -> SafeString:
    """Text made here of digits, dates and fixed words, or one of our own translations as
    `{% translate %}` writes it: nothing in it to escape."""
    return SafeString(text)


# What a row writes of its own, in tasks/_task.html: each is a stand-in in the row's skeleton and
# the row's escaped text in its copy. Its URLs are made of its id alone; the rest is the page's.
ROW_TEXTS = ("css", "title", "type", "type_label", "assignee", "record_url", "record_name", "done_note",
             "done_iso", "done_day", "due_iso", "due_label", "description", "delete_confirm")


class Shape(NamedTuple):
    """Which parts of tasks/_task.html a row shows; rows of one shape share one skeleton."""

    is_done: bool
    is_overdue: bool
    has_record: bool
    has_due_iso: bool
    has_description: bool
    can_delete: bool


@dataclass
class RowPage:
    """What every task row on one page shares: where the rows stand and return to, the viewer, the
    clock, the rows' fixed texts in the viewer's language, and their skeletons (the row template
    rendered once per shape of row, with stand-ins for the row's own texts and id)."""

    membership: Membership
    clock: dt.date | dt.datetime
    placement: str
    next: str
    bulk: bool = False

    def __post_init__(self) -> None:
        self.today, self.time = wall_clock(self.clock)
        self.user_id = self.membership.user.pk
        next_query = conditional_escape(quote(self.next))
        self.back_query = f"?next={next_query}"
        self.edit_query = f"?placement={conditional_escape(self.placement)}&amp;next={next_query}"
        # The row's texts are plain str, escaped here: the skeleton takes them as they are.
        self.type_labels = {value: html.escape(str(label)) for value, label in TaskType.choices}
        self.types = {value: html.escape(value) for value in TaskType.values}
        self.words = DayWords.now()
        self.day_labels: dict[tuple[dt.date | None, dt.time | None], str] = {}
        self.names: dict[int, str] = {}
        self.record_urls: dict[str, IdURL] = {}
        self.skeletons: dict[tuple[bool, ...], str] = {}
        self.overdue = _safe(_("Overdue"))
        self.assigned_to = _safe(_("Assigned to"))
        self.one_day_later = _safe(_("One day later, same time"))
        self.one_week_later = _safe(_("One week later, same time"))
        self.edit = _safe(_("Edit"))
        self.done = _safe(_("Done"))
        self.reopen = _safe(_("Reopen"))
        self.delete = _safe(_("Delete"))
        self.done_alone = _("Done")
        self.done_by_text = _("Done by %(name)s")
        self.delete_text = _("Delete the task “%(title)s”?")

    def due_label(self, due_date: dt.date | None, due_time: dt.time | None) -> str:
        """due_label, once per due day and time on the page."""
        key = (due_date, due_time)
        if key not in self.day_labels:
            self.day_labels[key] = html.escape(_due_text(due_date, due_time, self.today, self.words))
        return self.day_labels[key]

    def record_url(self, kind: str, record_id: int) -> str:
        """The record's get_absolute_url(), with one URL pattern per kind on the page."""
        if kind not in self.record_urls:
            self.record_urls[kind] = IdURL(f"{KIND_URL_NAMESPACE[Kind(kind)]}:detail")
        return self.record_urls[kind](record_id)

    def name(self, user_id: int, name: str) -> str:
        """A user's name, escaped once per user on the page."""
        if user_id not in self.names:
            self.names[user_id] = html.escape(name)
        return self.names[user_id]

    def skeleton(self, key: tuple[bool, ...]) -> str:
        """tasks/_task.html for rows of this shape, as a %-format string of the ROW_TEXTS and `id`.

        1. Render the template once, with STAND_IN as the id and a stand-in for each text.
        2. Double every "%" in it (the next URL has them, a translation may have them).
        3. Put "%(id)s" where the id stood, then "%(name)s" where each text's stand-in stood: the
           page's own next URL goes in only after, so no digits of it can pass for the id.
        """
        if key not in self.skeletons:
            shape = Shape(*key)
            row: dict[str, object] = {name: mark(name) for name in ROW_TEXTS}
            row.update(id=_safe(str(STAND_IN)), is_done=shape.is_done, is_overdue=shape.is_overdue,
                       record_url=row["record_url"] if shape.has_record else _EMPTY,
                       due_iso=row["due_iso"] if shape.has_due_iso else _EMPTY,
                       description=row["description"] if shape.has_description else _EMPTY)
            urls = {name: SafeString(id_url(f"tasks:{name}", STAND_IN)) for name in
                    ("done", "reopen", "postpone", "edit", "delete")}
            row.update(done_url=urls["done"], reopen_url=urls["reopen"], postpone_url=urls["postpone"],
                       edit_link=mark("edit_link"), edit_htmx=mark("edit_htmx"),
                       delete_url=urls["delete"] if shape.can_delete else _EMPTY,
                       delete_link=mark("delete_link"))
            html_text = get_template("tasks/_task.html").render({"row": row, "page": self})
            html_text = skeleton(html_text, ROW_TEXTS)
            edit, delete = (url.replace("%", "%%").replace(str(STAND_IN), "%(id)s")
                            for url in (urls["edit"], urls["delete"]))
            back, edit_query = self.back_query.replace("%", "%%"), self.edit_query.replace("%", "%%")
            for name, url in (("edit_link", edit + back), ("edit_htmx", edit + edit_query),
                              ("delete_link", delete + back)):
                html_text = html_text.replace(mark(name), url)
            self.skeletons[key] = html_text
        return self.skeletons[key]


def task_row(page: RowPage, task: TaskLine) -> str:
    """The HTML of one task's row, seen by the page's viewer at the page's clock: the skeleton of
    its shape with its own texts, escaped, put in. (The Tasks area has 100 rows: this is written
    to call little.)"""
    done = task.done_at is not None
    due_date, due_time = task.due_date, task.due_time
    overdue = not done and due_date is not None and is_past_due(due_date, due_time, page.today, page.time)
    css = "task"
    if overdue:
        css += " is-overdue"
    if task.assignee_id == page.user_id:
        css += " is-mine"
    if done:
        css += " is-done"
    title = html.escape(task.title)
    can_delete = actions.can_delete_task(page.membership, task)
    task_type = task.type
    texts = {"id": task.pk, "css": css, "title": title,
             "type": page.types[task_type] if task_type in page.types else html.escape(task_type),
             "type_label": page.type_labels[task_type] if task_type in page.type_labels else html.escape(task_type),
             "assignee": page.names[task.assignee_id] if task.assignee_id in page.names
             else page.name(task.assignee_id, task.assignee_name),
             "record_url": "", "record_name": "", "done_note": "", "done_iso": "", "done_day": "", "due_iso": "",
             "due_label": "", "description": "",
             "delete_confirm": page.delete_text % {"title": title} if can_delete else ""}
    has_record = page.placement != "record" and task.record_id is not None
    if has_record:
        texts["record_url"] = page.record_url(task.record_kind or "", task.record_id or 0)
        texts["record_name"] = html.escape(task.record_name or "")
    if done:
        if task.done_by_id is not None:
            texts["done_note"] = page.done_by_text % {"name": page.name(task.done_by_id, task.done_by_name or "")}
        else:
            texts["done_note"] = page.done_alone
        texts["done_iso"] = timezone.localtime(task.done_at).isoformat()
        texts["done_day"] = html.escape(due_day(task.done_at, page.today, page.words))
    else:
        if due_date is not None:
            due_iso = due_date.isoformat()
            if due_time is not None:
                due_iso += "T" + due_time.strftime("%H:%M")
            texts["due_iso"] = due_iso
        key = (due_date, due_time)
        texts["due_label"] = page.day_labels[key] if key in page.day_labels else page.due_label(due_date, due_time)
    if task.description:
        texts["description"] = linebreaksbr(linkify(task.description))
    shape = (done, overdue, has_record, due_date is not None and not done, bool(task.description), can_delete)
    return (page.skeletons[shape] if shape in page.skeletons else page.skeleton(shape)) % texts


def render_rows(page: RowPage, tasks: Iterable[TaskLine]) -> SafeString:
    """The rows of `tasks` on one page, as tasks/_task.html shows each."""
    return SafeString("".join([task_row(page, task) for task in tasks]))


def task_rows(membership: Membership, tasks: Iterable[Task], clock: dt.date | dt.datetime, placement: str,
              next_url: str, bulk: bool = False) -> SafeString:
    """The rows of `tasks` (Task objects) for one page (`placement` "record" or "list"; `next_url`
    where their buttons return to without JavaScript)."""
    page = RowPage(membership, clock, placement, next_url, bulk)
    return render_rows(page, [TaskLine.of(task, with_record=placement != "record") for task in tasks])
