"""Template helpers for tasks: the section on record pages, due dates as people say them, rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.accounts.requests import membership_of
from kontor.records.models import Record
from kontor.tasks import actions
from kontor.tasks.models import Task
from kontor.tasks.sections import record_section

register = template.Library()


@register.inclusion_tag("tasks/_record_tasks.html", takes_context=True)
def record_tasks(context: template.Context, record: Record) -> dict[str, Any]:
    """`{% record_tasks record %}`: the "Tasks & appointments" section of a record page."""
    membership: Membership = context.get("membership") or membership_of(context)
    return {**record_section(membership, record), "request": context.get("request"),
            "csrf_token": context.get("csrf_token"), "can": context.get("can")}


def _day(now: dt.date | dt.datetime) -> dt.date:
    return now.date() if isinstance(now, dt.datetime) else now


@register.filter
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


@register.filter
def due_label(task: Task, today: dt.date | dt.datetime) -> str:
    """The due day by the rule of due_day, with the time of day when there is one."""
    label = due_day(task.due_date, today)
    if task.due_date is not None and task.due_time is not None:
        label = f"{label}, {formats.time_format(task.due_time, 'TIME_FORMAT')}"
    return label


@register.filter
def overdue(task: Task, clock: dt.date | dt.datetime) -> bool:
    """Whether the task is past due on the viewer's wall clock (`clock` from queries.clock_for)."""
    return task.is_overdue(clock)


@register.filter
def deletable_by(task: Task, membership: Membership | None) -> bool:
    return membership is not None and actions.can_delete_task(membership, task)
