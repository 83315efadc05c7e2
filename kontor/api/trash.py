"""/api/v1/trash: what was deleted, as on the trash page. Whoever may delete records restores them;
owners and administrators empty the trash. Records stay there for TRASH_RETENTION_DAYS days."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut
from kontor.api.following import RESOURCE_OF_KIND
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id
from kontor.records import actions
from kontor.records.access import access_record
from kontor.records.models import Record

router = Router(tags=["Trash"])


class TrashedOut(Schema):
    id: int = Field(description="The id of the person, company, deal or project.")
    kind: str = Field(description="person, company, deal or project")
    name: str
    deleted_at: dt.datetime
    deleted_by_id: int | None
    deleted_by_name: str
    purged_at: dt.datetime = Field(description="When it is deleted for good unless restored.")


class TrashPage(Page):
    items: list[TrashedOut]


class TrashFilters(ListParams):
    kind: Literal["person", "company", "deal", "project"] | None = Field(None, description="Only this kind.")
    updated_since: DateTime | None = Field(None, description="Only what was deleted at or after this time "
                                           "(ISO 8601).")
    order: Literal["-deleted_at", "deleted_at"] = Field("-deleted_at", description="`-deleted_at` (most "
                                                        "recently deleted first) or `deleted_at`.")


class RestoredOut(Schema):
    id: int
    kind: str
    name: str
    url: str = Field(description="Its path in the API.")


class EmptiedOut(Schema):
    deleted: int = Field(description="How many records were deleted for good.")


def trashed_out(record: Record) -> dict:
    """A record in the trash as JSON; expects `deleted_by` selected."""
    assert record.deleted_at is not None, "only records in the trash come here"
    return {"id": record.pk, "kind": record.kind, "name": record.display_name, "deleted_at": record.deleted_at,
            "deleted_by_id": record.deleted_by_id,
            "deleted_by_name": record.deleted_by.name if record.deleted_by else "",
            "purged_at": record.deleted_at + dt.timedelta(days=settings.TRASH_RETENTION_DAYS)}


@router.get("", response={200: TrashPage, 422: InvalidInputOut}, summary="List the trash",
            description="Deleted people, companies, deals and projects, most recently deleted first unless "
                        "`order` says otherwise.")
def list_trash(request: HttpRequest, filters: Query[TrashFilters]) -> dict:
    by = membership(request)
    records = Record.objects.filter(account=by.account).in_trash().select_related("deleted_by")
    if filters.kind is not None:
        records = records.filter(kind=filters.kind)
    records = in_order(changed_since(records, filters, "deleted_at"), filters.order)
    rows, has_next = page_of(records, filters)
    return envelope([trashed_out(record) for record in rows], filters, has_next)


@router.post("/{record_id}/restore", response={200: RestoredOut, 403: ErrorOut, 404: ErrorOut},
             summary="Restore from the trash",
             description="Brings a record back with its notes, tasks and files. For power users, "
                         "administrators and the owner; a record that is not in the trash is a 404.")
def restore(request: HttpRequest, record_id: Id) -> dict:
    by = membership(request)
    record = access_record(by, record_id, include_trash=True)
    if not record.is_deleted:
        raise Http404
    actions.restore_record(record, by)
    return {"id": record.pk, "kind": record.kind, "name": record.display_name,
            "url": f"/api/v1/{RESOURCE_OF_KIND[record.kind]}/{record.pk}"}


@router.post("/empty", response={200: EmptiedOut, 403: ErrorOut}, summary="Empty the trash",
             description="Deletes everything in the trash for good. Owners and administrators only.")
def empty(request: HttpRequest) -> dict:
    return {"deleted": actions.empty_trash(membership(request))}
