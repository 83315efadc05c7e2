"""The "Tasks & appointments" section of a record page: its open tasks and the inline "New task"
form. Built in one place for the record pages (through the `record_tasks` template tag) and for
the view that re-renders the section after an htmx create."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kontor.accounts.models import Membership
from kontor.accounts.queries import active_colleagues
from kontor.records.models import Record
from kontor.tasks import queries
from kontor.tasks.forms import TaskForm


def record_section(membership: Membership, record: Record, form: TaskForm | None = None,
                   now: dt.datetime | None = None) -> dict[str, Any]:
    """The section's context: two queries (the record's open tasks, the colleagues)."""
    colleagues = active_colleagues(membership.account)
    if form is None:
        form = TaskForm(colleagues=colleagues, prefix_id=f"record{record.pk}",
                        initial={"assignee": membership.user.pk})
    clock = queries.clock_for(membership, now or timezone.now())
    return {
        "record": record,
        "tasks": queries.record_tasks(record),
        "today": clock.date(),
        "clock": clock,
        "task_form": form,
        "membership": membership,
        "placement": "record",
        "next": record.get_absolute_url(),
    }
