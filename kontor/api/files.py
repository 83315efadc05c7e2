"""/api/v1/files: upload (multipart) onto a record or a history entry, list with filters, read,
download, delete.

    curl -H "Authorization: Bearer KEY" -F record_id=12 -F file=@offer.pdf https://kontor.example/api/v1/files

The bytes are only served by `/files/{id}/download`, to keys of the file's account."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, errors_from_django, field_error
from kontor.api.lists import ListParams, Page, aware, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Omittable, Text
from kontor.files import actions, queries
from kontor.files.models import Attachment
from kontor.files.serving import serve_file, serve_thumbnail
from kontor.files.sniff import megabytes
from kontor.history.models import Entry
from kontor.records.access import access_entry, access_file, access_record
from kontor.records.models import Record

router = Router(tags=["Files"])


class FileOut(Schema):
    id: int
    name: str = Field(description="The name the file was uploaded with.")
    content_type: str = Field(description="Found from the file's content, not taken from the upload.")
    type: str = Field(description="image, pdf, office or other")
    size: int = Field(description="In bytes.")
    record_id: int | None = Field(description="The person, company, deal or project the file is on.")
    record_kind: str | None
    record_name: str | None
    entry_id: int | None = Field(description="The history entry the file is attached to, if any.")
    uploaded_by_id: int | None
    uploaded_by_name: str | None
    created_at: dt.datetime
    download_url: str
    has_thumbnail: bool
    thumbnail_url: str | None = Field(description="A WebP preview (at most 480 x 480 pixels) of an image.")


class FilePage(Page):
    items: list[FileOut]


class FileFilters(ListParams):
    record_id: Id | None = Field(None, description="Only files on this record (its entries' files included).")
    entry_id: Id | None = Field(None, description="Only files attached to this history entry.")
    uploaded_by_id: Id | None = Field(None, description="Only files this user uploaded.")
    type: Literal["image", "pdf", "office", "other"] | None = None
    created_from: DateTime | None = Field(None, description="Only files uploaded at or after this time.")
    created_before: DateTime | None = Field(None, description="Only files uploaded before this time.")
    q: Text = Field("", max_length=200, description="Only files whose name contains each of these words.")
    updated_since: DateTime | None = Field(None, description="Only files uploaded at or after this time (a file "
                                           "does not change once uploaded; ISO 8601).")
    order: Literal["-created_at", "created_at", "name", "-name"] = Field(
        "-created_at", description="`-created_at` (newest first), `created_at`, `name` (A to Z) or `-name`.")


def file_out(attachment: Attachment) -> dict[str, Any]:
    """A file as JSON; expects `record` and `uploaded_by` selected."""
    record, uploader = attachment.record, attachment.uploaded_by
    return {
        "id": attachment.pk, "name": attachment.name, "content_type": attachment.content_type,
        "type": attachment.file_type, "size": attachment.size, "record_id": attachment.record_id,
        "record_kind": record.kind if record else None, "record_name": record.display_name if record else None,
        "entry_id": attachment.entry_id, "uploaded_by_id": attachment.uploaded_by_id,
        "uploaded_by_name": uploader.name if uploader else None, "created_at": attachment.created_at,
        "download_url": f"/api/v1/files/{attachment.pk}/download", "has_thumbnail": bool(attachment.thumbnail),
        "thumbnail_url": f"/api/v1/files/{attachment.pk}/thumbnail" if attachment.thumbnail else None,
    }


@router.get("", response={200: FilePage, 422: InvalidInputOut}, summary="List files",
            description="Newest first unless `order` says otherwise. Files on records in the trash are left out "
                        "until the record is restored.")
def list_files(request: HttpRequest, filters: Query[FileFilters]) -> dict:
    by = membership(request)
    wanted = queries.FileFilters(record_id=filters.record_id, uploader_id=filters.uploaded_by_id,
                                 file_type=filters.type or "", name=filters.q,
                                 created_from=aware(filters.created_from, ["query", "created_from"]),
                                 created_before=aware(filters.created_before, ["query", "created_before"]))
    files = queries.filtered_files(by, wanted)
    if filters.entry_id is not None:
        files = files.filter(entry_id=filters.entry_id)
    files = in_order(changed_since(files, filters, "created_at"), filters.order)
    rows, has_next = page_of(files, filters)
    return envelope([file_out(f) for f in rows], filters, has_next)


def _target(by: Membership, record_id: int | None, entry_id: int | None) -> tuple[Record | None, Entry | None]:
    if record_id is None and entry_id is None:
        raise InvalidInput([field_error(["body", "record_id"], _("Send a record_id or an entry_id."))])
    record = entry = None
    try:
        record = access_record(by, record_id) if record_id is not None else None
    except Http404:
        raise InvalidInput([field_error(["body", "record_id"], _(
            "There is no record with this id in your account."))]) from None
    try:
        entry = access_entry(by, entry_id) if entry_id is not None else None
    except Http404:
        raise InvalidInput([field_error(["body", "entry_id"], _(
            "There is no history entry with this id in your account."))]) from None
    return record, entry


@router.post("", response={201: FileOut, 413: ErrorOut, 422: InvalidInputOut}, summary="Upload a file",
             description="A multipart form with `file` and `record_id` (a person, company, deal or project), "
                         "`entry_id` (a history entry), or both. Files larger than the limit (25 MB unless the "
                         "server sets KONTOR_MAX_UPLOAD_BYTES) get 413, and so does a request body larger "
                         "than KONTOR_MAX_REQUEST_BYTES (refused before it is read); an upload beyond the "
                         "account's storage quota gets 422 at `file`, saying how full the account is.")
def upload_file(request: HttpRequest, file: File[Omittable[UploadedFile]] = None,
                record_id: Form[Id | None] = None, entry_id: Form[Id | None] = None) -> Status:
    by = membership(request)
    record, entry = _target(by, record_id, entry_id)
    try:
        attachment = actions.upload_file(by, file, record=record, entry=entry)
    except ValidationError as error:
        if any(e.code == "too_large" for e in getattr(error, "error_dict", {}).get("file", [])):
            return Status(413, {"detail": _("The file is too large: files can have at most %(mb)s MB.")
                                % {"mb": megabytes(settings.KONTOR_MAX_UPLOAD_BYTES)}})
        raise InvalidInput(errors_from_django(error)) from None
    return Status(201, file_out(access_file(by, attachment.pk)))


@router.get("/{file_id}", response={200: FileOut, 404: ErrorOut}, summary="Read a file's details")
def read_file(request: HttpRequest, file_id: Id) -> dict:
    return file_out(access_file(membership(request), file_id))


@router.get("/{file_id}/download", response={200: None, 404: ErrorOut}, summary="Download a file",
            description="The file's bytes with its name in Content-Disposition (always as an attachment) "
                        "and the content type found from its content.")
def download_file(request: HttpRequest, file_id: Id) -> FileResponse:
    return serve_file(access_file(membership(request), file_id), inline=False)


@router.get("/{file_id}/thumbnail", response={200: None, 404: ErrorOut}, summary="An image's preview",
            description="A WebP image of at most 480 x 480 pixels; 404 for files that are no images.")
def file_thumbnail(request: HttpRequest, file_id: Id) -> FileResponse:
    return serve_thumbnail(access_file(membership(request), file_id))


@router.delete("/{file_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a file",
               description="The uploader and power users and above may. The file is kept for the trash's "
                           "retention period and then removed for good.")
def delete_file(request: HttpRequest, file_id: Id) -> Status:
    by = membership(request)
    actions.delete_file(access_file(by, file_id), by)
    return Status(204, None)
