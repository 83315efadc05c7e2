"""/api/v1/imports: spreadsheet and vCard imports, their progress, reports and undo.

    curl -H "Authorization: Bearer KEY" -F file=@kontakte.xlsx https://kontor.example/api/v1/imports

The import runs in the background: the answer (202) carries its id; GET /imports/{id} shows its
progress until its state is done or failed. Reading errors answer 422 at once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Omittable, Text
from kontor.records.access import access_import
from kontor.transfer import actions, tables
from kontor.transfer.models import Import, ImportState
from kontor.transfer.report import report_response

router = Router(tags=["Imports"])


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int | None = Field(description="null for a dry run, which stores nothing.")
    state: Literal["pending", "running", "done", "failed", "undone"]
    kind: Literal["people", "companies"]
    progress: int = Field(description="0 to 100.")
    rows: int = Field(description="Rows read from the file (a dry run: rows checked).")
    created: int
    updated: int = Field(description="Existing records whose empty fields were filled.")
    skipped: int = Field(description="Duplicates left as they were.")
    errors: list[ImportErrorOut] = Field(description="Rows not imported, with the column and the reason.")
    error_count: int = Field(description="Rows with errors (the list holds at most 1,000 messages).")
    warnings: list[ImportErrorOut] = Field(
        description="Rows imported with something left out (an unknown responsible colleague, a birthday "
                    "without a year), with the column and what happened.")
    companies_created: int = Field(description="Companies created for people's jobs.")
    mapping: dict[str, str | None] = Field(description="Column heading → field key (null: ignored).")
    duplicates: Literal["skip", "fill", "create"]
    file_name: str
    message: str = Field(description="Why a failed import failed.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    can_undo: bool = Field(description="True for 24 hours after a successful import.")


class ImportPage(Page):
    items: list[ImportOut]


API_STATES: dict[str, str] = {ImportState.DRAFT: "pending"}


def import_out(imp: Import) -> dict[str, Any]:
    state = imp.shown_state
    return {
        "id": imp.pk, "state": API_STATES.get(state, state), "kind": imp.kind, "progress": imp.progress,
        "rows": imp.rows, "created": imp.created, "updated": imp.updated, "skipped": imp.skipped,
        "errors": imp.errors, "warnings": imp.warnings, "error_count": imp.error_count,
        "companies_created": imp.companies_created,
        "mapping": dict(zip(imp.header, imp.mapping, strict=False)), "duplicates": imp.duplicates,
        "file_name": imp.file_name, "message": imp.message, "created_at": imp.created_at,
        "finished_at": imp.finished_at, "can_undo": actions.can_undo(imp),
    }


def _mapping_in(imp: Import, text: str | None) -> list[str | None] | None:
    """The `mapping` form field (a JSON object heading → field key or null) as one key per column;
    columns it does not name keep the guessed field."""
    if not text:
        return None
    try:
        given = json.loads(text)
    except ValueError:
        given = None
    if not isinstance(given, dict) or not all(isinstance(v, str | type(None)) for v in given.values()):
        raise InvalidInput([field_error(["body", "mapping"], _(
            "Send the mapping as a JSON object from column heading to field key (or null to ignore)."))])
    unknown = [heading for heading in given if heading not in imp.header]
    if unknown:
        raise InvalidInput([field_error(["body", "mapping", unknown[0]], _(
            "The file has no column “%(heading)s”.") % {"heading": unknown[0]})])
    return [given[h] or None if h in given else guessed for h, guessed in zip(imp.header, imp.mapping, strict=False)]


# The tag put on every imported record; its spaces are collapsed before the length counts there, the
# document counts them as sent.
ImportTag = Annotated[Text, Field("", max_length=60, description="Put on every imported record.")]


def _invalid(error: ValidationError) -> InvalidInput:
    return InvalidInput([field_error(["body", key], message) for key, messages in error.message_dict.items()
                         for message in messages])


@router.post("", response={202: ImportOut, 200: ImportOut, 403: ErrorOut, 422: InvalidInputOut},
             summary="Import a file",
             description="A multipart form with `file` (xlsx, xls, ods, csv, txt or vcf) and optionally `kind` "
                         "(people or companies; guessed from the columns), `mapping` (a JSON object from column "
                         "heading to field key, null to ignore a column; columns not named keep the guessed "
                         "field), `duplicates` (skip, fill or create), `sheet` (default: the first) and "
                         "`dry_run` (true: check only, store nothing, answer 200 with the counts the import "
                         "would have). Answers 202 with the import, which runs in the background. Members "
                         "may import a single vCard only. A file that cannot be read answers 422.",
             # The route refuses a form without `file` (ninja would declare it optional).
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {"required": ["file"]}}}}})
def create_import(request: HttpRequest, file: File[Omittable[UploadedFile]] = None,
                  # Left out rather than null: a multipart form has no null (it would arrive as "null").
                  kind: Form[Omittable[Literal["people", "companies"]]] = None,
                  mapping: Form[Omittable[str]] = None,
                  duplicates: Form[Literal["skip", "fill", "create"]] = "skip",
                  sheet: Form[Omittable[str]] = None,
                  dry_run: Form[bool] = False, tag: Form[ImportTag] = "") -> Status:
    by = membership(request)
    if file is None:
        raise InvalidInput([field_error(["body", "file"], _("Please send the file to import as `file`."))])
    try:
        imp = actions.upload_import(by, file.read(), file.name or "import", kind=kind, sheet=sheet)
    except tables.UnreadableFile as error:
        raise InvalidInput([field_error(["body", "file"], str(error))]) from None
    try:
        actions.configure_import(imp, mapping=_mapping_in(imp, mapping), duplicates=duplicates, tag=tag)
    except ValidationError as error:
        imp.upload.delete(save=False)
        imp.delete()
        raise _invalid(error) from None
    except InvalidInput:
        imp.upload.delete(save=False)
        imp.delete()
        raise
    if dry_run:
        return Status(200, _dry_run(imp))
    try:
        actions.start_import(imp, by)
    except actions.ImportRefused as refused:
        # The columns leave a required field unmapped (a company's name, say): the mapping's fault.
        imp.upload.delete(save=False)
        imp.delete()
        raise InvalidInput([field_error(["body", "mapping"], str(refused))]) from None
    return Status(202, import_out(access_import(by, imp.pk)))


def _dry_run(imp: Import) -> dict[str, Any]:
    """The counts the import would have, from the same planning the job does; nothing is kept."""
    _table, plan = actions.plan_import(imp)
    out = import_out(imp)
    skip = imp.duplicates == "skip"
    out.update({"id": None, "state": "pending", "rows": len(plan.verdicts),
                "created": plan.count("new") + (0 if imp.duplicates != "create" else plan.count("duplicate")),
                "updated": plan.count("duplicate") if imp.duplicates == "fill" else 0,
                "skipped": plan.count("duplicate") if skip else 0, "errors": plan.errors[:actions.ERRORS_KEPT],
                "error_count": plan.count("error"), "can_undo": False})
    imp.upload.delete(save=False)
    imp.delete()
    return out


class ImportFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only imports started, finished or undone at or "
                                           "after this time (ISO 8601).")
    order: Literal["-created_at", "created_at"] = Field("-created_at", description="`-created_at` (newest "
                                                        "first) or `created_at`.")


@router.get("", response={200: ImportPage, 422: InvalidInputOut}, summary="List imports",
            description="The account's imports, newest first unless `order` says otherwise.")
def list_imports(request: HttpRequest, params: Query[ImportFilters]) -> dict:
    by = membership(request)
    imports = changed_since(actions.imports_of(by).exclude(state=ImportState.DRAFT), params, "created_at",
                            "finished_at", "undone_at")
    rows, has_next = page_of(in_order(imports, params.order), params)
    return envelope([import_out(imp) for imp in rows], params, has_next)


@router.get("/{import_id}", response={200: ImportOut, 404: ErrorOut}, summary="Read an import",
            description="Poll this while `state` is pending or running: `progress` goes from 0 to 100.")
def read_import(request: HttpRequest, import_id: int) -> dict:
    imp = access_import(membership(request), import_id)
    actions.mark_stale_failed(imp)
    return import_out(imp)


@router.get("/{import_id}/report", response={200: None, 404: ErrorOut}, summary="Download the error report",
            description="An .xlsx with the rows that were not imported, as they were in the file, and a column "
                        "with the reason.")
def import_report(request: HttpRequest, import_id: int) -> HttpResponse:
    return report_response(access_import(membership(request), import_id))


@router.post("/{import_id}/undo", response={200: ImportOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Undo an import",
             description="Removes the people and companies the import created and restores the fields it filled "
                         "(where nobody changed them since). Possible for 24 hours after the import finished; "
                         "later, or for an import that is not done, the answer is 409.")
def undo_import(request: HttpRequest, import_id: int) -> Status:
    by = membership(request)
    imp = access_import(by, import_id)
    try:
        actions.undo_import(imp, by)
    except actions.ImportRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(200, import_out(imp))
