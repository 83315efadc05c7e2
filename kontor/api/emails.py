"""/api/v1/emails and /api/v1/inbox: filed e-mails and the mail that waits to be filed.

A filed e-mail is a history entry of kind `email` with its headers, text, cleaned HTML and the
message it came from; it shows in the history of every record it belongs to. Members never see
confidential e-mails (404). The inbox holds the messages of the key's user that matched nobody
(and, for administrators, those that reached no user's dropbox)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error, locating
from kontor.api.lists import ListParams, Page, aware, changed_since, envelope, in_order, page_of
from kontor.api.notes import LINK_FIELDS, LINKED_RECORDS, MAX_LINKS, UNKNOWN_RECORD, LinkedRecord
from kontor.api.schemas import DateTime, Id
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.history.models import Entry, EntryKind, EntryLink
from kontor.mail import filed, inbox
from kontor.mail.inbox_views import serve_raw
from kontor.mail.models import EmailMessage, InboundMail
from kontor.mail.names import PersonName
from kontor.records.access import access_record
from kontor.records.models import Kind, Record

router = Router(tags=["E-mails"])
inbox_router = Router(tags=["Inbox"])


class AddressOut(Schema):
    name: str = Field(description="The display name, \"\" when the header gave none.")
    email: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int = Field(description="In bytes.")
    content_type: str
    url: str = Field(description="Where the file's bytes are downloaded (with the same API key).")


class EmailSummaryOut(Schema):
    id: int = Field(description="The history entry's id (also valid at /notes/{id}).")
    subject: str
    from_: AddressOut = Field(alias="from")
    to: list[AddressOut]
    cc: list[AddressOut]
    date: dt.datetime = Field(description="When the message was sent (the Date header, else when it arrived).")
    message_id: str
    confidential: bool
    records: list[LinkedRecord] = Field(description="Every live record the e-mail belongs to.")
    attachments: list[AttachmentOut]
    raw_url: str | None = Field(description="The message as it arrived (.eml), null when it is no longer kept.")


class EventOut(Schema):
    summary: str
    start: dt.datetime | None = Field(description="UTC; for an all-day event midnight of its first day.")
    end: dt.datetime | None = Field(description="UTC; for an all-day event midnight after its last day.")
    location: str
    method: str = Field(description="REQUEST (an invitation), CANCEL, REPLY, COUNTER, PUBLISH, ... or \"\".")
    all_day: bool


class EmailOut(EmailSummaryOut):
    event: EventOut | None = Field(description="A calendar invitation's event; null for other mail.")
    text: str = Field(description="The message's plain text.")
    html: str = Field(description="The HTML body, cleaned (no scripts, remote images held back); \"\" if none.")


class EmailPage(Page):
    items: list[EmailSummaryOut]


class EmailFilters(ListParams):
    record_id: Id | None = Field(None, description="Only e-mails on this record (person, company, deal or project).")
    person_id: Id | None = Field(None, description="Only e-mails on this person.")
    company_id: Id | None = Field(None, description="Only e-mails on this company.")
    deal_id: Id | None = Field(None, description="Only e-mails on this deal.")
    project_id: Id | None = Field(None, description="Only e-mails on this project.")
    since: DateTime | None = Field(None, description="Only e-mails sent at or after this time (ISO 8601; "
                                                        "without an offset, in the user's time zone).")
    updated_since: DateTime | None = Field(None, description="Only e-mails filed or changed (records, "
                                           "confidentiality) at or after this time (ISO 8601).")
    order: Literal["-date", "date", "-updated_at", "updated_at"] = Field(
        "-date", description="`-date` (newest first), `date`, `-updated_at` (recently changed first) or "
                             "`updated_at`.")


class EmailUpdate(Schema):
    confidential: StrictBool | None = Field(None, description="Power users and above only.")
    record_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_LINKS, description=(
        "The records (people, companies, deals, projects) the e-mail belongs to from now on; at least one."))


def _addresses(pairs: Any) -> list[dict[str, str]]:
    """The stored [[name, address], ...] as objects; anything malformed is left out."""
    found = []
    for pair in pairs or []:
        if isinstance(pair, list | tuple) and len(pair) == 2:
            found.append({"name": str(pair[0] or ""), "email": str(pair[1] or "")})
    return found


def _attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {"id": attachment.pk, "name": attachment.name, "size": attachment.size,
            "content_type": attachment.content_type, "url": f"/api/v1/files/{attachment.pk}/download"}


def _email_of(entry: Entry) -> EmailMessage | None:
    try:
        return entry.email
    except EmailMessage.DoesNotExist:
        return None


def _event(email: EmailMessage | None) -> dict[str, Any] | None:
    event = email.event if email is not None else None
    if not event or not isinstance(event, dict):
        return None
    return {"summary": str(event.get("summary") or ""), "start": event.get("start"), "end": event.get("end"),
            "location": str(event.get("location") or ""), "method": str(event.get("method") or ""),
            "all_day": bool(event.get("all_day"))}


def email_out(entry: Entry, full: bool = True) -> dict[str, Any]:
    """An e-mail entry as JSON; expects `email`, its `inbound` selected and `records` and
    `attachments` prefetched."""
    email = _email_of(entry)
    records = list(entry.records.all())
    # Images the HTML shows inline are files of the entry too, but no attachments to the reader.
    inline = set((email.inline_files or {}).values()) if email is not None else set()
    out = {
        "id": entry.pk, "subject": entry.subject,
        "from": {"name": email.from_name if email else "", "email": email.from_email if email else ""},
        "to": _addresses(email.to if email else []), "cc": _addresses(email.cc if email else []),
        "date": entry.happened_at, "message_id": email.message_id if email else "",
        "confidential": entry.confidential,
        "records": [{"id": r.pk, "kind": r.kind, "name": r.display_name} for r in records],
        "attachments": [_attachment_out(a) for a in entry.attachments.all() if a.pk not in inline],
        "raw_url": (f"/api/v1/emails/{entry.pk}/raw" if email is not None and email.inbound_id is not None
                    else None),
    }
    if full:
        out.update({"text": entry.body, "html": email.html if email else "", "event": _event(email)})
    return out


def _attachments(by: Membership) -> Prefetch:
    files = (Attachment.objects.filter(account=by.account).visible_to(roles.can_read_confidential(by.role))
             .order_by("created_at", "pk"))
    return Prefetch("attachments", queryset=files)


def _emails(by: Membership) -> QuerySet[Entry]:
    return (Entry.objects.filter(account=by.account, kind=EntryKind.EMAIL)
            .visible_to(roles.can_read_confidential(by.role)).select_related("email"))


def _load(by: Membership, email_id: int) -> Entry:
    entry = _emails(by).filter(pk=email_id).first()
    if entry is None:
        raise Http404
    prefetch_related_objects([entry], LINKED_RECORDS, _attachments(by))
    return entry


@router.get("", response={200: EmailPage, 422: InvalidInputOut}, by_alias=True, summary="List filed e-mails",
            description="Newest first unless `order` says otherwise. The record filters combine: `person_id` "
                        "and `company_id` together give "
                        "the e-mails on both. Ids of records you cannot see give an empty list.")
def list_emails(request: HttpRequest, filters: Query[EmailFilters]) -> dict:
    by = membership(request)
    emails = _emails(by)
    wanted = [(filters.record_id, None), (filters.person_id, Kind.PERSON), (filters.company_id, Kind.COMPANY),
              (filters.deal_id, Kind.DEAL), (filters.project_id, Kind.PROJECT)]
    for record_id, kind in wanted:
        if record_id is None:
            continue
        records = Record.objects.filter(account=by.account, pk=record_id).alive()
        if kind is not None:
            records = records.filter(kind=kind)
        emails = emails.filter(pk__in=EntryLink.objects.filter(record__in=records).values("entry_id"))
    since = aware(filters.since, ["query", "since"])
    if since is not None:
        emails = emails.filter(happened_at__gte=since)
    emails = in_order(changed_since(emails, filters, "updated_at"), filters.order, {"date": "happened_at"})
    rows, has_next = page_of(emails, filters)
    prefetch_related_objects(rows, LINKED_RECORDS, _attachments(by))
    return envelope([email_out(entry, full=False) for entry in rows], filters, has_next)


@router.get("/{email_id}", response={200: EmailOut, 404: ErrorOut}, by_alias=True, summary="Read an e-mail",
            description="Its headers, text, cleaned HTML, attachments and records.")
def read_email(request: HttpRequest, email_id: Id) -> dict:
    return email_out(_load(membership(request), email_id))


@router.get("/{email_id}/raw", response={200: None, 404: ErrorOut}, summary="Download the message (.eml)",
            description="The message exactly as it arrived, as message/rfc822.")
def raw_email(request: HttpRequest, email_id: Id) -> FileResponse:
    entry = _load(membership(request), email_id)
    email = _email_of(entry)
    if email is None or email.inbound_id is None:
        raise Http404
    inbound = InboundMail.objects.filter(pk=email.inbound_id, account=entry.account_id).first()
    if inbound is None:
        raise Http404
    return serve_raw(inbound, entry.subject)


def _records_by_id(by: Membership, ids: list[int], field: str) -> list[Record]:
    records, errors = [], []
    for index, record_id in enumerate(ids):
        try:
            records.append(access_record(by, record_id))
        except Http404:
            errors.append(field_error(["body", field, index], _("There is no record with this id in your account.")))
    if errors:
        raise InvalidInput(errors)
    return records


@router.patch("/{email_id}", response={200: EmailOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
              by_alias=True, summary="Change an e-mail",
              description="`record_ids` sets the records it belongs to (anyone who can read it may move it); "
                          "`confidential` marks it confidential or open again (power users and above).")
def update_email(request: HttpRequest, email_id: Id, payload: EmailUpdate) -> dict:
    by = membership(request)
    entry = _load(by, email_id)
    if payload.confidential is None and payload.record_ids is None:
        raise InvalidInput([field_error(["body"], _("Send record_ids, confidential or both."))])
    records = _records_by_id(by, payload.record_ids, "record_ids") if payload.record_ids is not None else None
    if payload.confidential is not None:
        filed.set_email_confidential(entry, payload.confidential, by)
    if records is not None:
        with locating({"records": ["body", "record_ids"]}):
            filed.set_email_records(entry, records, by)
    return email_out(_load(by, email_id))


@router.delete("/{email_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete an e-mail",
               description="Deletes the e-mail entry for good (history entries have no trash), with the rights of "
                           "notes: its author (the colleague who sent it, if one did) and administrators. Its "
                           "records keep a line saying so.")
def delete_email(request: HttpRequest, email_id: Id) -> Status:
    by = membership(request)
    history_actions.delete_note(_load(by, email_id), by)
    return Status(204, None)


# --- the inbox ------------------------------------------------------------------------------


class SenderPersonOut(Schema):
    """The person `create_person` would make."""

    salutation: str
    title: str
    first_name: str
    last_name: str
    email: str


class InboxItemOut(Schema):
    id: int
    subject: str
    from_: AddressOut = Field(alias="from")
    date: dt.datetime | None = Field(description="When the message was sent (its Date header), if readable.")
    received_at: dt.datetime
    note: str = Field(description="Why the message waits here: nobody matched, or it could not be read.")
    recipient: str = Field(description="The address it arrived at.")
    project: LinkedRecord | None = Field(description="The project whose address received it, if any.")
    size: int = Field(description="The raw message's size in bytes.")
    raw_url: str
    sender_as_person: SenderPersonOut


class InboxPage(Page):
    items: list[InboxItemOut]


class InboxFilters(ListParams):
    discarded: bool = Field(False, description=f"List the discarded messages instead (kept "
                                               f"{inbox.DISCARD_KEPT_DAYS} days, then removed).")
    updated_since: DateTime | None = Field(None, description="Only messages that arrived or were discarded at "
                                           "or after this time (ISO 8601).")
    order: Literal["-received_at", "received_at"] = Field("-received_at", description="`-received_at` (newest "
                                                          "first) or `received_at`.")


class InboxFile(Schema):
    person_ids: list[Id] = Field([], max_length=MAX_LINKS)
    company_ids: list[Id] = Field([], max_length=MAX_LINKS)
    deal_ids: list[Id] = Field([], max_length=MAX_LINKS)
    project_ids: list[Id] = Field([], max_length=MAX_LINKS)
    create_person: StrictBool = Field(False, description="Create a person from the sender (name and address from the "
                                                   "From header, see `sender_as_person`) and file it there.")


def inbox_item_out(item: InboundMail) -> dict[str, Any]:
    contact = inbox.contact_of(item)  # for the user's own mail or forward: the customer, not the user
    name: PersonName = inbox.sender_name(item, contact)
    project = item.project
    return {
        "id": item.pk, "subject": item.subject, "from": {"name": item.sender_name, "email": item.sender_email},
        "date": item.sent_at, "received_at": item.received_at, "note": item.why, "recipient": item.recipient,
        "project": {"id": project.pk, "kind": Kind.PROJECT, "name": project.name} if project else None,
        "size": item.size, "raw_url": f"/api/v1/inbox/{item.pk}/raw",
        "sender_as_person": {"salutation": name.salutation, "title": name.title, "first_name": name.first_name,
                             "last_name": name.last_name, "email": contact.email},
    }


@inbox_router.get("", response={200: InboxPage, 422: InvalidInputOut}, by_alias=True, summary="List the inbox",
                  description="The messages waiting to be filed by the key's user, newest first unless "
                              "`order` says otherwise.")
def list_inbox(request: HttpRequest, filters: Query[InboxFilters]) -> dict:
    by = membership(request)
    items = inbox.discarded_for(by) if filters.discarded else inbox.inbox_for(by)
    items = in_order(changed_since(items, filters, "received_at", "handled_at"), filters.order)
    rows, has_next = page_of(items, filters)
    return envelope([inbox_item_out(item) for item in rows], filters, has_next)


@inbox_router.get("/{inbox_id}/raw", response={200: None, 404: ErrorOut}, summary="Download a waiting message",
                  description="The message as it arrived (.eml).")
def raw_inbox_item(request: HttpRequest, inbox_id: Id) -> FileResponse:
    return serve_raw(inbox.access_inbound(membership(request), inbox_id))


def _chosen_records(by: Membership, payload: InboxFile) -> list[Record]:
    """The records named by the id lists, each a live record of that kind in the account."""
    records, errors = [], []
    for name, kind in LINK_FIELDS.items():
        for index, record_id in enumerate(getattr(payload, name)):
            try:
                record: Record | None = access_record(by, record_id)
            except Http404:
                record = None
            if record is None or record.kind != kind:
                errors.append(field_error(["body", name, index], UNKNOWN_RECORD[kind]))
            else:
                records.append(record)
    if errors:
        raise InvalidInput(errors)
    return records


@inbox_router.post("/{inbox_id}/file", response={201: EmailOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
                   by_alias=True, summary="File a waiting message",
                   description="On the records named by `person_ids`, `company_ids`, `deal_ids` and `project_ids`, "
                               "or with `{\"create_person\": true}` on a new person made from the sender. Answers "
                               "with the e-mail entry.")
def file_inbox_item(request: HttpRequest, inbox_id: Id, payload: InboxFile) -> Status:
    by = membership(request)
    item = inbox.access_inbound(by, inbox_id)
    records = _chosen_records(by, payload)
    if payload.create_person and records:
        raise InvalidInput([field_error(["body", "create_person"], _(
            "Either create a person or name records, not both."))])
    if payload.create_person:
        with locating({"__all__": ["body", "create_person"], "last_name": ["body", "create_person"]}):
            inbox.create_person_from_sender(item, by)
    elif not records:
        raise InvalidInput([field_error(["body", "person_ids"], _(
            "Name at least one record (person_ids, company_ids, deal_ids, project_ids) or send create_person."))])
    else:
        with locating({"__all__": ["body"], "records": ["body", "person_ids"]}):
            inbox.file_from_inbox(item, records, by)
    item.refresh_from_db()
    if item.entry_id is None:  # filing always links the entry; a missing one is a bug, not input
        raise Http404
    return Status(201, email_out(_load(by, item.entry_id)))


@inbox_router.delete("/{inbox_id}", response={204: None, 404: ErrorOut}, summary="Discard a waiting message",
                     description=f"It leaves the inbox; `POST /inbox/{{id}}/restore` brings it back within "
                                 f"{inbox.DISCARD_KEPT_DAYS} days.")
def discard_inbox_item(request: HttpRequest, inbox_id: Id) -> Status:
    by = membership(request)
    inbox.discard(inbox.access_inbound(by, inbox_id), by)
    return Status(204, None)


@inbox_router.post("/{inbox_id}/restore", response={200: InboxItemOut, 404: ErrorOut},
                   by_alias=True, summary="Bring back a discarded message",
                   description=f"Puts it back into the inbox; possible for {inbox.DISCARD_KEPT_DAYS} days.")
def restore_inbox_item(request: HttpRequest, inbox_id: Id) -> dict:
    by = membership(request)
    inbox.bring_back(inbox.access_inbound(by, inbox_id, discarded=True), by)
    return inbox_item_out(inbox.access_inbound(by, inbox_id))
