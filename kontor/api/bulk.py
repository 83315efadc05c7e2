"""Bulk actions through the API, as the lists' bulk bar does them (kontor/records/bulk.py):

    POST /api/v1/{people|companies|deals|projects|tasks}/bulk
    {"ids": [1, 2, 3], "action": "add_tags", "tags": ["Messe 2027"]}
    {"filter": {"tag": ["Kunde"], "q": "müller"}, "action": "set_responsible", "user_id": 7}

Up to 500 objects the action runs at once (200, `state` "done"); more are queued (202, `state`
"queued") and `GET /api/v1/{resource}/bulk/{job_id}` says how far the job is. All or nothing: a
refused action (a power user deleting 11) is 403 and changes nothing."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, Loc, field_error, locating
from kontor.api.schemas import Id, TagName
from kontor.records import bulk
from kontor.records.access import access_bulk_job
from kontor.records.models import BulkJob

router = Router(tags=["Bulk actions"])

FilterValue = str | int | list[str | int]
Action = Literal["add_tags", "remove_tags", "set_responsible", "follow", "unfollow", "delete", "done", "postpone",
                 "assign"]


class BulkIn(Schema):
    ids: list[Id] | None = Field(None, max_length=bulk.MAX_OBJECTS,
                                 description="The objects to act on; ids of another account or in the trash are "
                                             "left out. Give `ids` or `filter`, not both.")
    filter: dict[str, FilterValue] | None = Field(
        None, description="The list's query parameters (as on its page and its GET route: `tag`, `q`, "
                          "`responsible`, `state`, `custom.<key>`, ...); every object they select.")
    action: Action = Field(description="add_tags, remove_tags, set_responsible, follow, unfollow, delete for "
                                       "records; done, postpone, assign for tasks.")
    tags: list[TagName] | None = Field(None, min_length=1, max_length=bulk.MAX_TAGS,
                                       description="For add_tags and remove_tags.")
    user_id: Id | None = Field(None, description="For set_responsible and assign: an active colleague.")
    days: int | None = Field(None, ge=1, le=3650, description="For postpone.")


class BulkOut(Schema):
    action: str
    count: int = Field(description="How many objects the action covers.")
    state: str = Field(description="done, or for a queued job queued, running, failed.")
    job_id: int | None = Field(None, description="A queued job's id, to ask how far it is.")
    error: str = ""


def _query(filters: dict[str, FilterValue]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in filters.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query


def _job_out(job: BulkJob) -> dict[str, Any]:
    return {"action": job.action, "count": job.total, "state": job.state, "job_id": job.pk, "error": job.error}


def _run(by: Membership, kind: bulk.BulkKind, payload: BulkIn) -> Any:
    if (payload.ids is None) == (payload.filter is None):
        raise InvalidInput([field_error(["body", "ids"], _("Give ids or a filter: one of the two."))])
    ids = bulk.selected_ids(by, kind, ids=payload.ids, query=_query(payload.filter) if payload.filter else None)
    arguments = payload.model_dump(include={"tags", "user_id", "days"}, exclude_none=True)
    places: dict[str, Loc] = {name: ["body", name] for name in ("action", "tags", "user_id", "days")}
    with locating(places):
        outcome = bulk.start(by, kind, payload.action, arguments, ids)
    if outcome.job is not None:
        return Status(202, _job_out(outcome.job))
    return {"action": payload.action, "count": outcome.count, "state": "done", "job_id": None, "error": ""}


def _add_routes(kind: bulk.BulkKind) -> None:
    noun = kind.resource

    @router.post(f"/{noun}/bulk", response={200: BulkOut, 202: BulkOut, 403: ErrorOut, 422: InvalidInputOut},
                 summary=f"Act on many {noun} at once", operation_id=f"bulk_{noun}",
                 description=f"One action on the {noun} named by `ids` or selected by `filter`, all or nothing.")
    def run_bulk(request: HttpRequest, payload: BulkIn) -> Any:
        return _run(membership(request), kind, payload)

    @router.get(f"/{noun}/bulk/{{job_id}}", response={200: BulkOut, 404: ErrorOut},
                summary=f"How far a bulk action on {noun} is", operation_id=f"bulk_{noun}_job")
    def bulk_job(request: HttpRequest, job_id: Id) -> dict[str, Any]:
        return _job_out(access_bulk_job(membership(request), job_id, kind.kind))


for _kind in bulk.KINDS.values():
    _add_routes(_kind)
