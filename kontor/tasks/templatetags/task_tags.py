"""Template helpers for tasks: the section on record pages, due dates as people say them, rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.records.models import Record
from kontor.tasks import actions
from kontor.tasks.models import Task
from kontor.tasks.sections import record_section

register = template.Library()


@register.inclusion_tag("tasks/_record_tasks.html", takes_context=True)
def record_tasks(context: template.Context, record: Record) -> dict[str, Any]:
    """`{% record_tasks record %}`: the "Tasks & appointments" section of a record page."""
    membership: Membership = context.get("membership") or context["request"].membership
    return {**record_section(membership, record), "request": context.get("request"),
            "csrf_token": context.get("csrf_token"), "can": context.get("can")}


@register.filter
def due_day(day: dt.date | None, today: dt.date) -> str:
    """"Today", "Tomorrow", "Yesterday", a weekday within the coming week, else a short date."""
    if day is None:
        return _("No date")
    difference = (day - today).days
    names = {0: _("Today"), 1: _("Tomorrow"), -1: _("Yesterday")}
    if difference in names:
        return names[difference]
    if 1 < difference < 7:
        return formats.date_format(day, "l")
    if day.year == today.year:
        return formats.date_format(day, "MONTH_DAY_FORMAT")
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@register.filter
def due_label(task: Task, today: dt.date) -> str:
    """The due day in words, with the time of day when there is one."""
    label = due_day(task.due_date, today)
    if task.due_date is not None and task.due_time is not None:
        label = f"{label}, {formats.time_format(task.due_time, 'TIME_FORMAT')}"
    return label


@register.filter
def overdue(task: Task, today: dt.date) -> bool:
    return task.is_overdue(today)


@register.filter
def deletable_by(task: Task, membership: Membership | None) -> bool:
    return membership is not None and actions.can_delete_task(membership, task)
