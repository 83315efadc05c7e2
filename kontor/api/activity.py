"""/api/v1/activity: the team's activity stream of the start page, newest first, with its filter
"everyone's" or "what I follow". Lines about notes the key's user may not read are left out, and so
are lines on records in the trash (the deletion itself stays)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kontor.api.auth import membership
from kontor.api.errors import InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime
from kontor.history import activity
from kontor.history.models import Activity

router = Router(tags=["Activity"])


class ActivityOut(Schema):
    id: int
    verb: str = Field(description="created, changed, deleted, restored, state, assigned, file_add, file_del, "
                                  "file_back, note_del, task_new, task_edit, task_done, task_open or task_del")
    text: str = Field(description="The verb in the user's language, as the start page shows it.")
    actor_id: int | None
    actor_name: str
    record_id: int | None = Field(description="The person, company, deal or project it happened to.")
    record_kind: str | None
    record_name: str
    subject_user_id: int | None = Field(description="Whom a task was assigned to, for `assigned`.")
    summary: str
    changes: dict[str, Any] = Field(description="What changed, as {\"field\": [old, new]}.")
    created_at: dt.datetime


class ActivityPage(Page):
    items: list[ActivityOut]


class ActivityFilters(ListParams):
    stream: Literal["everyone", "following"] = Field(
        "everyone", description="`everyone`: the whole team's activity; `following`: only on records you follow.")
    updated_since: DateTime | None = Field(None, description="Only what happened at or after this time (a line "
                                           "of the stream never changes; ISO 8601).")
    order: Literal["-created_at", "created_at"] = Field("-created_at", description="`-created_at` (newest "
                                                        "first) or `created_at`.")


def activity_out(line: Activity) -> dict:
    record = line.record
    return {"id": line.pk, "verb": line.verb, "text": line.get_verb_display(), "actor_id": line.actor_id,
            "actor_name": line.actor.name if line.actor else "", "record_id": line.record_id,
            "record_kind": record.kind if record else None, "record_name": record.display_name if record else "",
            "subject_user_id": line.subject_user_id, "summary": line.summary, "changes": line.changes,
            "created_at": line.created_at}


@router.get("", response={200: ActivityPage, 422: InvalidInputOut}, summary="The activity stream",
            description="What the team did, newest first (unless `order` says otherwise), as on the start page.")
def list_activity(request: HttpRequest, filters: Query[ActivityFilters]) -> dict:
    lines = activity.stream(membership(request), following_only=filters.stream == "following")
    rows, has_next = page_of(in_order(changed_since(lines, filters, "created_at"), filters.order), filters)
    return envelope([activity_out(line) for line in rows], filters, has_next)
