"""Template helpers for tasks: the section on record pages, a page's task rows, due dates as people say them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.safestring import SafeString

from kontor.accounts.models import Membership
from kontor.accounts.requests import membership_of
from kontor.records.models import Record
from kontor.tasks import rows
from kontor.tasks.models import Task
from kontor.tasks.queries import TaskLine
from kontor.tasks.rows import due_day, due_label
from kontor.tasks.sections import record_section

register = template.Library()


@register.inclusion_tag("tasks/_record_tasks.html", takes_context=True)
def record_tasks(context: template.Context, record: Record) -> dict[str, Any]:
    """`{% record_tasks record %}`: the "Tasks & appointments" section of a record page."""
    membership: Membership = context.get("membership") or membership_of(context)
    return {**record_section(membership, record), "request": context.get("request"),
            "csrf_token": context.get("csrf_token"), "can": context.get("can")}


@register.simple_tag(takes_context=True)
def task_rows(context: template.Context, tasks: list[TaskLine]) -> SafeString:
    """`{% task_rows tasks %}`: the rows of `tasks` (TaskLines, tasks/_task.html each). What they share is the
    context's `row_page` where the view made one for the whole page; else it is made here, for the
    context's `membership` at its `clock`, standing at its `placement`, returning to `next`."""
    page: rows.RowPage | None = context.get("row_page")
    if page is None:
        membership: Membership = context.get("membership") or membership_of(context)
        page = rows.RowPage(membership, context["clock"], context.get("placement") or "list", context.get("next") or "")
    return rows.render_rows(page, tasks)


# The rule for a due day, for the templates that show one outside a task's row.
register.filter(due_day)
register.filter(due_label)


@register.filter
def overdue(task: Task, clock: dt.date | dt.datetime) -> bool:
    """Whether the task is past due on the viewer's wall clock (`clock` from queries.clock_for)."""
    return task.is_overdue(clock)

