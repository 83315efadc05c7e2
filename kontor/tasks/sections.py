"""The "Tasks & appointments" section of a record page: its open tasks and the inline "New task"
form. Built in one place for the record pages (through the `record_tasks` template tag) and for
the view that re-renders the section after an htmx create."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kontor.accounts.models import Membership
from kontor.accounts.queries import Colleague, active_colleagues
from kontor.lib.stamped import STAND_IN, KeptFragments, stamp
from kontor.records.models import Record
from kontor.tasks import queries
from kontor.tasks.forms import TaskForm


def record_section(membership: Membership, record: Record, form: TaskForm | None = None,
                   now: dt.datetime | None = None) -> dict[str, Any]:
    """The section's context: two queries (the record's open tasks, the colleagues). Without a
    `form` (one sent back with its errors), the new-task form's fields are `blank_fields`."""
    colleagues = active_colleagues(membership.account)
    clock = queries.clock_for(membership, now or timezone.now())
    section = {
        "record": record,
        "tasks": queries.record_tasks(record),
        "today": clock.date(),
        "clock": clock,
        "membership": membership,
        "placement": "record",
        "next": record.get_absolute_url(),
    }
    if form is None:
        section["task_fields"] = blank_fields(colleagues, membership, record)
    else:
        section["task_form"] = form
    return section


# tasks/_task_fields.html of an empty form, by language, assignee, colleagues and the fields' id
# prefix (a record's with STAND_IN for its id): what an empty form's fields depend on.
_blank_fields = KeptFragments()


def blank_fields(colleagues: list[Membership], membership: Membership, record: Record) -> SafeString:
    """The fields of the empty new-task form of `record`'s section. Every record page shows the
    form, and building it and rendering its six fields one by one took about 0.7 ms of a
    person's page, for HTML that differs between records only by the record's id in the fields'
    ids; so it is rendered once per process for each language, assignee and set of colleagues
    (but for a colleague whose name has the stand-in's digits in it, and with DEBUG on, when
    templates are edited while it runs)."""
    fields = _kept_fields(colleagues, membership, f"record{STAND_IN}")
    if fields is None:
        return _fields(colleagues, membership, f"record{record.pk}")
    return stamp(fields, record.pk)


def area_fields(colleagues: list[Membership], membership: Membership) -> SafeString:
    """The fields of the Tasks area's empty new-task form, kept like blank_fields."""
    fields = _kept_fields(colleagues, membership, "new")
    return _fields(colleagues, membership, "new") if fields is None else SafeString(fields)


def _kept_fields(colleagues: list[Membership], membership: Membership, prefix_id: str) -> str | None:
    """The empty form's fields rendered once per process for the key; None where they cannot be
    kept (a colleague whose name has the stand-in's digits in it)."""
    choices = tuple(Colleague.of(member) for member in colleagues)
    if any(str(STAND_IN) in name for _pk, name in choices):
        return None
    key = (get_language(), membership.user.pk, choices, prefix_id)
    return _blank_fields.get(key, lambda: _fields(colleagues, membership, prefix_id))


def _fields(colleagues: list[Membership], membership: Membership, prefix_id: str) -> SafeString:
    """tasks/_task_fields.html of an empty form whose fields' ids start with `prefix_id`, assigned
    to the member."""
    form = TaskForm(colleagues=colleagues, prefix_id=prefix_id, initial={"assignee": membership.user.pk})
    return SafeString(render_to_string("tasks/_task_fields.html", {"task_form": form}))
