"""The merge buttons in the head of a person's or company's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import template

from kontor.accounts.requests import membership_of
from kontor.contacts.models import Company, Person
from kontor.records import merge as records_merge
from kontor.records.models import Record

register = template.Library()


@dataclass(frozen=True)
class UndoableMerge:
    """The record's latest merge as the "Undo merge" button describes it."""

    names: str  # of the merged records
    created_at: dt.datetime


@register.inclusion_tag("merge/_record_actions.html", takes_context=True)
def merge_actions(context: template.Context, obj: Person | Company) -> dict[str, Any]:
    """"Merge with…" for those who may merge, and "Undo merge" while the record's latest merge
    can be undone (one indexed query, none for those who may not merge)."""
    membership = membership_of(context)
    may_merge = records_merge.may_merge(membership)
    merge = records_merge.undoable_merge(obj.record) if may_merge else None
    undoable = None
    if merge is not None:
        names = Record.objects.filter(pk__in=merge.merged_ids).values_list("display_name", flat=True)
        undoable = UndoableMerge(", ".join(names), merge.created_at)
    return {"obj": obj, "namespace": "people" if isinstance(obj, Person) else "companies", "may_merge": may_merge,
            "merge": undoable, "csrf_token": context.get("csrf_token")}
