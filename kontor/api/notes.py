"""/api/v1/notes, and the history ("Verlauf") of a record as the people and company routes show it.

Members never see confidential entries: for them such a note does not exist (404), and it is left
out of every history. Authors edit their own notes; authors and administrators delete them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, StrictBool

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, StaleOut, field_error
from kontor.api.lists import ListParams, Page, aware, changed_since, envelope, page_of
from kontor.api.schemas import DateTime, Id, Name, Omittable, Text
from kontor.history import actions
from kontor.history.models import Entry, EntryLink
from kontor.records.access import access_entry, access_record
from kontor.records.models import Kind, Record

router = Router(tags=["Notes"])

LINK_FIELDS = {"person_ids": Kind.PERSON, "company_ids": Kind.COMPANY, "deal_ids": Kind.DEAL,
               "project_ids": Kind.PROJECT}
UNKNOWN_RECORD = {
    Kind.PERSON: _("There is no person with this id in your account."),
    Kind.COMPANY: _("There is no company with this id in your account."),
    Kind.DEAL: _("There is no deal with this id in your account."),
    Kind.PROJECT: _("There is no project with this id in your account."),
}
LINKED_RECORDS = Prefetch("records", queryset=Record.objects.alive().order_by("display_name"))
MAX_LINKS = 100


class LinkedRecord(Schema):
    id: int
    kind: str = Field(description="person, company, deal or project")
    name: str


class NoteOut(Schema):
    id: int
    kind: str = Field(description="note, call, meeting or email")
    subject: str
    body: str
    confidential: bool
    author_id: int | None
    author_name: str
    happened_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    person_ids: list[int]
    company_ids: list[int]
    deal_ids: list[int]
    project_ids: list[int]
    records: list[LinkedRecord] = Field(description="Every live record the entry belongs to, by name.")


class NotePage(Page):
    items: list[NoteOut]


class NoteCreate(Schema):
    # At least one record: the document says so, as the action does.
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": [name], "properties": {name: {"minItems": 1}}}
        for name in ("person_ids", "company_ids", "deal_ids", "project_ids")]})

    body: Name = Field(description="The text of the note.")
    confidential: StrictBool = Field(False, description="Only power users and above may write and read these.")
    kind: Literal["note", "call", "meeting"] = "note"
    subject: Text = Field("", max_length=300)
    happened_at: DateTime | None = Field(None, description="When it happened; now if left out.")
    person_ids: list[Id] = Field([], max_length=MAX_LINKS)
    company_ids: list[Id] = Field([], max_length=MAX_LINKS)
    deal_ids: list[Id] = Field([], max_length=MAX_LINKS)
    project_ids: list[Id] = Field([], max_length=MAX_LINKS)


class NoteUpdate(Schema):
    body: Omittable[Name] = None
    confidential: StrictBool | None = None
    version: Id | None = Field(None, description="The version the change started from; if the note "
                                                  "changed since, the update fails with 409.")


def note_out(entry: Entry) -> dict:
    """An entry as JSON; expects `author` selected and `records` prefetched."""
    records = list(entry.records.all())
    ids = {field: [r.pk for r in records if r.kind == kind] for field, kind in LINK_FIELDS.items()}
    return {
        "id": entry.pk, "kind": entry.kind, "subject": entry.subject, "body": entry.body,
        "confidential": entry.confidential, "author_id": entry.author_id,
        "author_name": entry.author.name if entry.author else "", "happened_at": entry.happened_at,
        "created_at": entry.created_at, "updated_at": entry.updated_at, "version": entry.version, **ids,
        "records": [{"id": r.pk, "kind": r.kind, "name": r.display_name} for r in records],
    }


class HistoryParams(ListParams):
    updated_since: DateTime | None = Field(None, description="Only entries written or changed at or after this "
                                           "time (ISO 8601; without an offset, in the user's time zone).")
    order: Literal["-happened_at", "happened_at"] = Field(
        "-happened_at", description="`-happened_at` (newest first) or `happened_at` (oldest first).")


def history_page(by: Membership, record: Record, params: HistoryParams) -> dict:
    """A page of the record's history, newest first (or oldest first), as far as the role may read it.

    Walks the (record, happened_at) index of EntryLink like the record page's timeline, in a
    fixed number of queries whatever the page size."""
    links = EntryLink.objects.filter(record=record)
    if not roles.can_read_confidential(by.role):
        links = links.filter(entry__confidential=False)
    links = changed_since(links, params, "entry__updated_at")
    sign = "-" if params.order.startswith("-") else ""
    links = links.select_related("entry", "entry__author").order_by(f"{sign}happened_at", f"{sign}entry_id")
    rows, has_next = page_of(links, params)
    entries = [link.entry for link in rows]
    prefetch_related_objects(entries, LINKED_RECORDS)
    return envelope([note_out(entry) for entry in entries], params, has_next)


def _load(by: Membership, note_id: int) -> Entry:
    entry = access_entry(by, note_id)
    prefetch_related_objects([entry], LINKED_RECORDS)
    return entry


def _linked_records(by: Membership, payload: NoteCreate) -> list[Record]:
    """The records named by the id lists, each checked to be a live record of that kind in the
    account; any other id (missing, trashed, another account's) is reported where it was sent."""
    records, errors = [], []
    for name, kind in LINK_FIELDS.items():
        for index, record_id in enumerate(getattr(payload, name)):
            try:
                record = access_record(by, record_id)
            except Http404:
                record = None
            if record is None or record.kind != kind:
                errors.append(field_error(["body", name, index], UNKNOWN_RECORD[kind]))
            else:
                records.append(record)
    if not records and not errors:
        errors.append(field_error(["body", "person_ids"], _(
            "A note belongs to at least one record: send person_ids, company_ids, deal_ids or project_ids.")))
    if errors:
        raise InvalidInput(errors)
    return records


@router.post("", response={201: NoteOut, 403: ErrorOut, 422: InvalidInputOut}, summary="Write a note",
             description="Writes a note (or a call or meeting report) onto one or more records. The author "
                         "starts following those records. Members may not write confidential notes (403).")
def create_note(request: HttpRequest, payload: NoteCreate) -> Status:
    by = membership(request)
    records = _linked_records(by, payload)
    entry = actions.add_note(by, records, payload.body, confidential=payload.confidential, kind=payload.kind,
                             happened_at=aware(payload.happened_at, ["body", "happened_at"]),
                             subject=payload.subject)
    return Status(201, note_out(_load(by, entry.pk)))


@router.get("/{note_id}", response={200: NoteOut, 404: ErrorOut}, summary="Read a note",
            description="Any entry of a record's history: notes, calls, meetings and filed e-mails.")
def read_note(request: HttpRequest, note_id: Id) -> dict:
    return note_out(_load(membership(request), note_id))


@router.patch("/{note_id}", response={200: NoteOut, 403: ErrorOut, 404: ErrorOut, 409: StaleOut,
                                      422: InvalidInputOut},
              summary="Change a note",
              description="Changes the text or the confidentiality of your own note.")
def update_note(request: HttpRequest, note_id: Id, payload: NoteUpdate) -> dict:
    by = membership(request)
    entry = access_entry(by, note_id)
    body = payload.body if payload.body is not None else entry.body
    actions.update_note(entry, by, body, confidential=payload.confidential, version=payload.version)
    return note_out(_load(by, note_id))


@router.delete("/{note_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a note",
               description="Deletes your own note for good; administrators may delete anyone's.")
def delete_note(request: HttpRequest, note_id: Id) -> Status:
    by = membership(request)
    actions.delete_note(access_entry(by, note_id), by)
    return Status(204, None)
