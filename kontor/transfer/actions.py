"""Imports of spreadsheets and vCards into people or companies, their progress, and their undo.

The steps, as a user and the API see them:

1. `upload_import` reads the file once (refusing what cannot be read), guesses the kind and the
   mapping of columns (or takes the one remembered for the same headers) and keeps the file in a
   draft Import.
2. `configure_import` takes the user's sheet, mapping, duplicates choice and tag; `preview`
   checks every row (the same checks the writing does) and says what would happen to it.
3. `start_import` remembers the mapping and hands the import to the worker (jobs.run_import);
   `run_import` plans again from the stored file and writes everything in ONE transaction, through
   the contacts' bulk actions: a crash leaves nothing behind, and the import ends failed with a
   message in a transaction of its own.
4. `undo_import` (within UNDO_WINDOW) removes what the import created and puts back the fields it
   filled, where nobody changed them since.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.accounts import roles
from kontor.accounts.models import Membership, User
from kontor.contacts import actions as contact_actions
from kontor.contacts import matching
from kontor.contacts.actions import Details, NewContact, PositionData
from kontor.contacts.models import Address, Company, ContactDetail, Person, Position
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.notifications import jobs as notification_jobs
from kontor.notifications.models import Notification, NotificationType
from kontor.records import actions as record_actions
from kontor.records import custom_fields
from kontor.records.models import CustomField, Kind
from kontor.search import index as search_index
from kontor.transfer import columns, rows, tables, vcard
from kontor.transfer.models import (
    UNDO_WINDOW,
    Duplicates,
    Import,
    ImportItem,
    ImportKind,
    ImportMapping,
    ImportState,
    ItemAction,
)
from kontor.transfer.values import cell_text
from kontor.webhooks import actions as webhooks

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
ERRORS_KEPT = 1000
PROGRESS_EVERY = 500


class ImportRefused(ValueError):
    """The import cannot go on as asked; str() is a message for the user."""


def c_kind(kind: str) -> str:
    """The reading layer's name of an import kind: "person" for people, "company" for companies."""
    return "company" if kind == ImportKind.COMPANIES else "person"


def kind_of(c_kind_name: str) -> str:
    return ImportKind.COMPANIES if c_kind_name == "company" else ImportKind.PEOPLE


# --- reading -----------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "KONTOR_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))


def _read(data: bytes, file_name: str, sheet: str | None) -> tuple[str, tables.Table | None, list[Any]]:
    """(format, table or None, cards) of the file; raises tables.UnreadableFile with a message."""
    if not data:
        raise tables.UnreadableFile(_("The file is empty."))
    if len(data) > max_bytes():
        raise tables.UnreadableFile(_("The file is too large (at most %(mb)s MB).")
                                    % {"mb": max_bytes() // (1024 * 1024)})
    file_format = tables.detect_format(data, file_name)
    if file_format == "vcf":
        cards = [_without_nul(card) for card in vcard.parse_vcards(data)]
        if not cards:
            raise tables.UnreadableFile(_("The file contains no contacts."))
        return file_format, None, cards
    table = _table_without_nul(tables.read_table(data, file_name, sheet=sheet or None))
    if not table.rows:
        raise tables.UnreadableFile(_("The sheet “%(sheet)s” has no rows below its headings.")
                                    % {"sheet": table.sheet})
    return file_format, table, []


# NUL characters carry no meaning in a name or an address, yet files hold them: xlsx writes one as
# "_x0000_", a CSV may have one anywhere after the part its reader sniffs, a vCard in a value.
# PostgreSQL cannot store them (in text nor in JSON), so an import would fail there and work on
# SQLite; they are dropped right after reading, and both databases get the same text.


def _without_nul(value: Any) -> Any:
    """`value` (text, a list or tuple, a dataclass such as a vCard, or anything else) with every
    NUL character taken out of the text in it; values without one come back as they are."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_without_nul(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: _without_nul(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changed)
    return value


def _table_without_nul(table: tables.Table) -> tables.Table:
    """The table with NUL characters taken out of its headings, cells and notes, in place: a
    sheet has up to 200,000 rows, and only the few cells with a NUL are replaced."""
    table.sheet, table.header = _without_nul(table.sheet), _without_nul(table.header)
    table.sheet_names, table.notes = _without_nul(table.sheet_names), _without_nul(table.notes)
    for row in table.rows:
        for index, cell in enumerate(row):
            if isinstance(cell, str) and "\x00" in cell:
                row[index] = cell.replace("\x00", "")
    return table


def signature(header: Sequence[str]) -> str:
    """The key under which an account's mapping for these headings is remembered."""
    normalised = [" ".join(str(h).split()).lower() for h in header]
    return hashlib.sha256(json.dumps(normalised).encode()).hexdigest()


def _remembered_or_guessed(account_id: int, kind: str, header: Sequence[str]) -> list[str | None]:
    remembered = ImportMapping.objects.filter(account_id=account_id, kind=kind, signature=signature(header)).first()
    custom = custom_fields.names_by_key(account_id, c_kind(kind))
    known = {f.key for f in columns.import_fields(c_kind(kind), custom)}
    if remembered and len(remembered.mapping) == len(header) and all(
            key is None or key in known for key in remembered.mapping):
        return list(remembered.mapping)
    return columns.guess_mapping(list(header), c_kind(kind), custom)


def upload_import(by: Membership, data: bytes, file_name: str, *, kind: str | None = None,
                  sheet: str | None = None) -> Import:
    """Reads the upload and keeps it in a draft import with a guessed (or remembered) mapping.
    Raises tables.UnreadableFile for what cannot be read, PermissionDenied for a member's file
    that is not a single vCard."""
    file_format, table, cards = _read(data, file_name, sheet)
    if not roles.can_import(by.role) and (file_format != "vcf" or len(cards) != 1):
        if file_format == "vcf" and len(cards) > 1:
            # Say why this vCard is refused: the file from the phone holds more than one contact.
            raise PermissionDenied(ngettext(
                "This file holds %(count)s contact; your role allows importing a single vCard (one contact).",
                "This file holds %(count)s contacts; your role allows importing a single vCard (one contact).",
                len(cards)) % {"count": len(cards)})
        raise PermissionDenied(_("Your role allows importing a single vCard (one contact) only."))
    if table is not None:
        kind = kind or kind_of(columns.guess_kind(table.header))
        if kind not in ImportKind.values:
            kind = ImportKind.PEOPLE
        mapping: list[str | None] = _remembered_or_guessed(by.account_id, kind, table.header)
    else:
        kind, mapping = ImportKind.PEOPLE, []
    # The browser's and the API's uploads come with NUL characters taken out of the name already.
    file_name = _without_nul(file_name)[:255]
    imp = Import(account=by.account, created_by=by.user, kind=kind, file_name=file_name or "import",
                 format=file_format, sheet=table.sheet if table else "", mapping=mapping,
                 header=list(table.header) if table else [])
    imp.upload.save(f"{by.account_id}/{timezone.now():%Y%m%d%H%M%S}-{imp.file_name[-80:]}", ContentFile(data),
                    save=False)
    imp.save()
    return imp


def configure_import(imp: Import, *, kind: str | None = None, sheet: str | None = None,
                     mapping: Sequence[str | None] | None = None, duplicates: str | None = None,
                     tag: str | None = None) -> Import:
    """Changes a draft's settings. A new sheet or kind brings its own guessed mapping unless one
    is given; a new sheet without a kind also brings the kind its columns suggest. Raises
    ValidationError with a message per setting."""
    if imp.state != ImportState.DRAFT:
        raise ImportRefused(_("This import has already been started."))
    errors: dict[str, str] = {}
    table = None
    if imp.format != "vcf" and (sheet is not None and sheet != imp.sheet or kind is not None and kind != imp.kind):
        if kind is not None:
            if kind not in ImportKind.values:
                raise ValidationError({"kind": _("Choose people or companies.")})
            imp.kind = kind
        try:
            _format, table, _cards = _read(_stored(imp), imp.file_name, sheet or imp.sheet)
        except tables.UnreadableFile as error:
            raise ValidationError({"sheet": str(error)}) from None
        assert table is not None
        if kind is None and table.sheet != imp.sheet:
            # Another sheet may hold the other kind: people on the first, suppliers on the next.
            imp.kind = kind_of(columns.guess_kind(table.header))
        imp.sheet = table.sheet
        imp.header = list(table.header)
        if mapping is None:
            imp.mapping = _remembered_or_guessed(imp.account_id, imp.kind, table.header)
    if mapping is not None and imp.format != "vcf":
        header = table.header if table is not None else table_of(imp).header
        problem = mapping_problem(imp.kind, header, mapping, custom_fields.names_by_key(imp.account_id,
                                                                                       c_kind(imp.kind)))
        if problem:
            errors["mapping"] = problem
        imp.mapping = [key or None for key in mapping]
    if duplicates is not None:
        if duplicates not in Duplicates.values:
            errors["duplicates"] = _("Choose what happens to duplicates.")
        imp.duplicates = duplicates
    if tag is not None:
        tag = " ".join(tag.split())
        if tag:
            try:
                record_actions.normalize_tag_name(tag)
                # The page posts the tag as typed; PostgreSQL could not store a NUL in it.
                ProhibitNullCharactersValidator()(tag)
            except record_actions.TagNameError as error:
                errors["tag"] = str(error)
            except ValidationError as error:
                errors["tag"] = error.messages[0]
        imp.tag = tag
    if errors:
        raise ValidationError(errors)
    imp.save()
    return imp


def mapping_problem(kind: str, header: Sequence[str], mapping: Sequence[str | None],
                    custom: dict[str, str] | None = None) -> str:
    """A message when the mapping cannot work: wrong length, an unknown field, a field that takes
    one column chosen for two, or no column for the name. Empty when it is fine."""
    if len(mapping) != len(header):
        return _("The mapping must name a field (or none) for each of the %(count)s columns.") % {
            "count": len(header)}
    fields = {f.key: f for f in columns.import_fields(c_kind(kind), custom or {})}
    chosen = [key for key in mapping if key]
    for key in chosen:
        if key not in fields:
            return _("“%(key)s” is not a field Kontor can import into.") % {"key": key}
        if not fields[key].repeatable and chosen.count(key) > 1:
            return _("“%(field)s” is chosen for more than one column.") % {"field": fields[key].label}
    name_fields = {"last_name", "full_name", "first_name"} if kind == ImportKind.PEOPLE else {"name"}
    if not name_fields & set(chosen):
        return (_("Please choose a column for the last name.") if kind == ImportKind.PEOPLE
                else _("Please choose a column for the company name."))
    return ""


def _stored(imp: Import) -> bytes:
    with imp.upload.open("rb") as stored:
        return stored.read()


def table_of(imp: Import) -> tables.Table:
    _format, table, _cards = _read(_stored(imp), imp.file_name, imp.sheet or None)
    assert table is not None
    return table


def contact_rows(imp: Import, data: bytes | None = None) -> tuple[tables.Table | None, list[rows.ContactRow]]:
    """The import's file as rows of contact data, with the import's sheet and mapping."""
    _format, table, cards = _read(data if data is not None else _stored(imp), imp.file_name, imp.sheet or None)
    if table is None:
        return None, list(rows.rows_from_cards(cards))
    return table, list(rows.rows_from_table(table, list(imp.mapping), c_kind(imp.kind),
                                            custom_fields.names_by_key(imp.account_id, c_kind(imp.kind))))


# --- planning: a verdict for every row ------------------------------------------------------


@dataclass
class Verdict:
    row: int
    status: str                      # "new", "duplicate", "error"
    name: str = ""
    message: str = ""
    existing_id: int | None = None   # the matched record, for a duplicate of one already stored
    earlier_row: int | None = None   # the row of the file it repeats, for a duplicate within the file


@dataclass
class Planned:
    row: rows.ContactRow
    item: NewContact
    verdict: Verdict
    custom: dict[CustomField, Any] = field(default_factory=dict)  # the row's custom values, cleaned


@dataclass
class Plan:
    """What an import would do with every row of its file."""

    kind: str
    duplicates: str
    planned: list[Planned] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # What was left out of rows that are still imported (an unknown colleague, a birthday
    # without a year), in the same shape as errors.
    warnings: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for v in self.verdicts if v.status == status)

    @property
    def to_import(self) -> int:
        """Rows that will be written: new ones, and duplicates unless they are skipped."""
        new = self.count("new")
        return new if self.duplicates == Duplicates.SKIP else new + self.count("duplicate")


def _column_of(row: rows.ContactRow, key: str, header: Sequence[str], mapping: Sequence[str | None]) -> str:
    """The heading of the column an action's error key ("last_name", "contact_details.1") came from."""
    base = key.split(".")[0]
    if base == "contact_details":
        index = int(key.split(".")[1]) if key.count(".") else 0
        detail_kind = row.details[index].kind if index < len(row.details) else ""
        candidates = [h for h, m in zip(header, mapping, strict=False) if m and m.startswith(detail_kind)]
    elif base == "addresses":
        candidates = [h for h, m in zip(header, mapping, strict=False)
                      if m and m.split(":")[0] in columns.ADDRESS_PARTS]
    else:
        candidates = [h for h, m in zip(header, mapping, strict=False) if m == base]
    return candidates[0] if candidates else ("" if base == "__all__" else base)


def _responsibles(by_account: int, written: Iterable[str]) -> dict[str, User]:
    """Colleagues named in a "responsible" column, by lower-cased name or e-mail."""
    wanted = {w.strip().lower() for w in written if w and w.strip()}
    if not wanted:
        return {}
    found: dict[str, User] = {}
    for membership in Membership.objects.active().filter(account_id=by_account).select_related("user"):
        user = membership.user
        for key in (user.name.lower(), user.email.lower()):
            if key in wanted:
                found[key] = user
    return found


def _person_key(row: rows.ContactRow) -> matching.PersonKey:
    return matching.PersonKey(
        emails=tuple(d.value for d in row.details if d.kind == "email" and d.value.strip()),
        first_name=str(row.fields.get("first_name") or ""), last_name=str(row.fields.get("last_name") or ""),
        company=row.company or "")


def plan_import(imp: Import, data: bytes | None = None, progress: Callable[[int, int], None] | None = None,
                limit: int | None = None) -> tuple[tables.Table | None, Plan]:
    """Checks every row of the import's file and finds duplicates, without writing anything.

    1. Each row from the file (C's rows layer) brings its own errors (a date it cannot read...).
    2. Valid rows are checked as the actions would check them (contacts.actions.prepare_*).
    3. The rest are matched against the account (contacts.matching, in batches) and against the
       rows above them in the same file.
    `limit` plans only the first rows (the preview of a very large file)."""
    table, all_rows = contact_rows(imp, data)
    if limit is not None:
        all_rows = all_rows[:limit]
    header = table.header if table else []
    mapping = list(imp.mapping) if table else []
    plan = Plan(imp.kind, imp.duplicates)
    responsibles = _responsibles(imp.account_id, [r.responsible for r in all_rows if r.responsible])
    extra_tags = [imp.tag] if imp.tag else []
    checked: list[Planned] = []
    custom_by_kind: dict[str, dict[str, CustomField]] = {
        kind: custom_fields.fields_by_key(imp.account_id, kind) for kind in (Kind.PERSON, Kind.COMPANY)}
    for done, row in enumerate(all_rows, start=1):
        problems = list(row.errors)
        notes = list(row.warnings)
        custom: dict[CustomField, Any] = {}
        if row.custom:
            try:
                custom = custom_fields.clean_values_by_key(custom_by_kind[c_kind_of_row(row)], row.custom)
            except ValidationError as error:
                problems += [(_column_of(row, f"custom:{key}", header, mapping), message)
                             for key, messages in error.message_dict.items() for message in messages]
        responsible = None
        if row.responsible and row.responsible.strip():
            responsible = responsibles.get(row.responsible.strip().lower())
            if responsible is None:
                # The contact matters more than who looks after it: the importer does, as for a
                # row that names nobody.
                notes.append((_column_of(row, "responsible", header, mapping),
                              _("There is no colleague “%(name)s” in this account; whoever imports is "
                                "responsible instead.") % {"name": row.responsible}))
        if imp.kind == ImportKind.PEOPLE and row.company and len(row.company.strip()) > 200:
            problems.append((_column_of(row, "company", header, mapping),
                             _("A company name can have at most 200 characters.")))
        fields = dict(row.fields)
        item = NewContact(fields, Details(contact=list(row.details), addresses=list(row.addresses)),
                          tags=[*row.tags, *extra_tags], responsible=responsible)
        if not problems:
            try:
                prepare = contact_actions.prepare_company if row.kind == "company" else contact_actions.prepare_person
                prepare(imp.account_id, item)
                for tag in item.tags:
                    record_actions.normalize_tag_name(tag)
            except ValidationError as error:
                for key, messages in (error.message_dict.items() if hasattr(error, "error_dict")
                                      else [("__all__", error.messages)]):
                    problems += [(_column_of(row, key, header, mapping), message) for message in messages]
            except record_actions.TagNameError as error:
                problems.append((_column_of(row, "tags", header, mapping), str(error)))
        verdict = Verdict(row.number, "error" if problems else "new", name=row.display_name)
        if problems:
            verdict.message = "; ".join(message for _column, message in problems)
            plan.errors += [{"row": row.number, "column": column, "message": message}
                            for column, message in problems]
        else:
            checked.append(Planned(row, item, verdict, custom))
            plan.warnings += [{"row": row.number, "column": column, "message": message} for column, message in notes]
        plan.verdicts.append(verdict)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(all_rows))
    _find_duplicates(imp, checked)
    plan.planned = checked
    return table, plan


def _find_duplicates(imp: Import, checked: list[Planned]) -> None:
    """Marks the rows that match a stored record or a row above them in the file. (A vCard
    file of people may hold cards of companies: those match companies.)"""
    people = [p for p in checked if p.row.kind != "company"]
    keys = [_person_key(p.row) for p in people]
    seen: dict[Any, int] = {}
    for planned, key, existing in zip(people, keys, matching.find_people(imp.account_id, keys), strict=True):
        file_keys: list[tuple[str, Any]] = [("email", e.strip().lower()) for e in key.emails] or [
            ("name", key.name_key)]
        earlier = next((seen[k] for k in file_keys if k in seen), None)
        for k in file_keys:
            seen.setdefault(k, planned.row.number)
        _mark(planned.verdict, existing, earlier)
    companies = [p for p in checked if p.row.kind == "company"]
    names = [str(p.row.fields.get("name") or "") for p in companies]
    for planned, name, existing in zip(companies, names, matching.find_companies(imp.account_id, names), strict=True):
        earlier = seen.get(("company", name.strip().lower()))
        seen.setdefault(("company", name.strip().lower()), planned.row.number)
        _mark(planned.verdict, existing, earlier)


def _mark(verdict: Verdict, existing: int | None, earlier: int | None) -> None:
    if existing is not None:
        verdict.status, verdict.existing_id = "duplicate", existing
        verdict.message = _("Already in Kontor.")
    elif earlier is not None:
        verdict.status, verdict.earlier_row = "duplicate", earlier
        verdict.message = _("Same as row %(row)s.") % {"row": earlier}


# --- preview -------------------------------------------------------------------------------


@dataclass
class ColumnPreview:
    index: int
    heading: str
    samples: list[str]
    key: str | None


@dataclass
class Preview:
    """What the mapping page shows: the columns with samples and their fields, the first rows
    with their verdicts, and the counts for the whole file."""

    imp: Import
    sheet_names: list[str]
    columns: list[ColumnPreview]
    fields: list[Any]
    rows: list[tuple[list[str], Verdict]]
    new: int
    duplicates: int
    errors: int
    to_import: int
    error_list: list[dict[str, Any]]


def preview(imp: Import) -> Preview:
    """Plans the whole file (the counts cover every row) and keeps the first PREVIEW_ROWS for show."""
    table, plan = plan_import(imp)
    by_row = {v.row: v for v in plan.verdicts}
    shown: list[tuple[list[str], Verdict]] = []
    column_list: list[ColumnPreview] = []
    if table is not None:
        for index, heading in enumerate(table.header):
            samples = [cell_text(r[index]) for r in table.rows if index < len(r) and cell_text(r[index])][:3]
            column_list.append(ColumnPreview(index, heading, samples, imp.mapping[index] if index < len(imp.mapping)
                                             else None))
        for cells, number in list(zip(table.rows, table.row_numbers, strict=False))[:PREVIEW_ROWS]:
            verdict = by_row.get(number, Verdict(number, "error", message=_("Not read.")))
            shown.append(([cell_text(c) for c in cells], verdict))
    else:
        shown = [([v.name], v) for v in plan.verdicts[:PREVIEW_ROWS]]
    custom = custom_fields.names_by_key(imp.account_id, c_kind(imp.kind))
    return Preview(imp, list(table.sheet_names) if table else [], column_list,
                   columns.import_fields(c_kind(imp.kind), custom), shown, plan.count("new"),
                   plan.count("duplicate"), plan.count("error"), plan.to_import, plan.errors[:PREVIEW_ROWS * 5])


# --- starting and running ------------------------------------------------------------------


def start_import(imp: Import, by: Membership) -> Import:
    """Hands a draft to the worker: remembers its mapping for the next file with these headings
    and enqueues the job once the transaction commits."""
    from kontor.transfer import jobs

    if imp.state != ImportState.DRAFT:
        raise ImportRefused(_("This import has already been started."))
    with transaction.atomic():
        if imp.format != "vcf":
            header = table_of(imp).header
            problem = mapping_problem(imp.kind, header, imp.mapping,
                                      custom_fields.names_by_key(imp.account_id, c_kind(imp.kind)))
            if problem:
                raise ImportRefused(problem)
            ImportMapping.objects.update_or_create(account_id=imp.account_id, kind=imp.kind,
                                                   signature=signature(header),
                                                   defaults={"mapping": imp.mapping, "updated_at": timezone.now()})
        Import.objects.filter(pk=imp.pk).update(state=ImportState.PENDING)
        imp.state = ImportState.PENDING
        import_id = imp.pk
        transaction.on_commit(lambda: jobs.run_import(import_id))
    return imp


def _set_progress(import_id: int, percent: int) -> None:
    Import.objects.filter(pk=import_id, state=ImportState.RUNNING).update(progress=min(percent, 99))


def run_import(import_id: int) -> Import | None:
    """The job: plans again from the stored file, then writes everything in one transaction.
    Reading and checking report progress up to 60 %; the writing shows 100 % when it commits
    (progress written inside its transaction would stay invisible until then anyway). Runs once:
    only a pending import is claimed. Any failure ends the import failed, with nothing written."""
    now = timezone.now()
    if not Import.objects.filter(pk=import_id, state=ImportState.PENDING).update(
            state=ImportState.RUNNING, started_at=now, progress=1):
        return None
    imp = Import.objects.select_related("account", "created_by").get(pk=import_id)
    try:
        by = Membership.objects.active().select_related("user", "account").get(account=imp.account,
                                                                               user=imp.created_by)
        _table_, plan = plan_import(imp, progress=lambda done, total: _set_progress(
            import_id, 1 + 59 * done // max(total, 1)))
        _set_progress(import_id, 60)
        with transaction.atomic():
            _write(imp, by, plan)
    except Exception as error:  # noqa: BLE001 - every failure must end the import, never leave it running
        if isinstance(error, tables.UnreadableFile | ImportRefused | PermissionDenied):
            message = str(error)
        elif isinstance(error, Membership.DoesNotExist):
            message = _("The colleague who started the import no longer has access to this account.")
        else:
            logger.exception("Import %s failed", import_id)
            message = _("The import stopped because of an unexpected error. Nothing was imported.")
        with transaction.atomic():
            Import.objects.filter(pk=import_id).update(state=ImportState.FAILED, finished_at=timezone.now(),
                                                       message=message)
            webhooks.emit(imp.account_id, "import.finished", imp)
    imp.refresh_from_db()
    return imp


def _write(imp: Import, by: Membership, plan: Plan) -> None:
    """Writes a plan: companies for people's jobs, new records, filled duplicates, the items for
    the undo, one activity line and one notification."""
    create: list[Planned] = []
    fill: list[Planned] = []
    skipped = 0
    merged_into: dict[int, Planned] = {}
    by_row: dict[int, Planned] = {}
    for planned in plan.planned:
        verdict = planned.verdict
        by_row[planned.row.number] = planned
        if verdict.status == "new" or imp.duplicates == Duplicates.CREATE:
            create.append(planned)
        elif imp.duplicates == Duplicates.SKIP:
            skipped += 1
        elif verdict.existing_id is not None:
            fill.append(planned)
        else:  # a row repeating an earlier one of the file completes that one
            assert verdict.earlier_row is not None
            target = merged_into.get(verdict.earlier_row, by_row[verdict.earlier_row])
            merged_into[planned.row.number] = target
            _complete(target.item, planned.item)
            skipped += 1
    items: list[ImportItem] = []
    # Companies first (a companies file, or cards of companies in a vCard file), so that people's
    # jobs find them; then the employers the people name, found or created; then the people.
    company_rows = [p for p in create if p.row.kind == "company"]
    person_rows = [p for p in create if p.row.kind != "company"]
    companies = contact_actions.create_companies(by, [p.item for p in company_rows], log_each=False)
    employers, new_employers = _companies_for(by, [p.row.company for p in [*person_rows, *fill]
                                                   if p.row.kind != "company" and p.row.company],
                                              tags=[imp.tag] if imp.tag else [])
    companies_created = len(new_employers)
    items += [ImportItem(import_run=imp, record_id=c.pk, action=ItemAction.CREATED) for c in new_employers]
    for planned in [*person_rows, *fill]:
        if planned.row.kind != "company" and planned.row.company and planned.row.company.strip():
            assert planned.item.details is not None
            planned.item.details.positions = [PositionData(employers[planned.row.company.strip().lower()],
                                                           job_title=planned.row.job_title or "",
                                                           department=planned.row.department or "")]
    people = contact_actions.create_people(by, [p.item for p in person_rows], log_each=False)
    created: list[tuple[Person | Company, Planned]] = [*zip(companies, company_rows, strict=True),
                                                       *zip(people, person_rows, strict=True)]
    ids = [p.verdict.existing_id for p in fill]
    existing: dict[int, Person | Company] = {
        **{c.pk: c for c in Company.objects.filter(account=imp.account, pk__in=ids).select_related("record")},
        **{p.pk: p for p in Person.objects.filter(account=imp.account, pk__in=ids).select_related("record")}}
    items += [ImportItem(import_run=imp, record_id=obj.pk, row=p.row.number, action=ItemAction.CREATED)
              for obj, p in created]
    pairs = [(existing[p.verdict.existing_id], p) for p in fill if p.verdict.existing_id in existing]
    filled = contact_actions.fill_contacts(by, [(obj, p.item) for obj, p in pairs])
    items += [ImportItem(import_run=imp, record_id=obj.pk, row=p.row.number, action=ItemAction.FILLED,
                         previous=result.previous, added=result.added)
              for (obj, p), result in zip(pairs, filled, strict=True) if result]
    ImportItem.objects.bulk_create(items, batch_size=500)
    _store_photos(by, [(obj, p.row.photo) for obj, p in created if p.row.photo])
    _write_custom_values(imp, [(obj, p) for obj, p in created if p.custom])
    updated = sum(1 for result in filled if result)
    errors = len({e["row"] for e in plan.errors})
    Import.objects.filter(pk=imp.pk).update(
        state=ImportState.DONE, progress=100, rows=len(plan.verdicts), created=len(created), updated=updated,
        skipped=skipped + (len(fill) - updated), error_count=errors, errors=plan.errors[:ERRORS_KEPT],
        warnings=plan.warnings[:ERRORS_KEPT],
        companies_created=companies_created, finished_at=timezone.now(), message="")
    imp.refresh_from_db()
    activity.record_activity(by, ActivityVerb.IMPORTED, summary=imp.file_name,
                             changes={"kind": imp.kind, "created": len(created), "updated": updated,
                                      "companies": companies_created})
    _notify(imp, by)
    webhooks.emit(imp.account, "import.finished", imp)


def _write_custom_values(imp: Import, written: Sequence[tuple[Person | Company, Planned]]) -> None:
    """The custom values of the new records, in batched INSERTs, and their search documents again
    (the records were indexed before their values existed)."""
    if not written:
        return
    custom_fields.write_new_values(imp.account_id, [(obj.pk, planned.custom) for obj, planned in written])
    for kind, model in ((Kind.PERSON, Person), (Kind.COMPANY, Company)):
        search_index.index_records(kind, [obj.pk for obj, _planned in written if isinstance(obj, model)])


def c_kind_of_row(row: rows.ContactRow) -> str:
    return Kind.COMPANY if row.kind == "company" else Kind.PERSON


def _complete(target: NewContact, other: NewContact) -> None:
    """Fills the empty fields and missing kinds of contact details of a row from a later row
    that repeats it (duplicates within one file, when the user chose to fill)."""
    target.forget_checks()
    for name, value in other.fields.items():
        if value not in (None, "") and target.fields.get(name) in (None, ""):
            target.fields[name] = value
    if target.details is not None and other.details is not None:
        kinds = {d.kind for d in target.details.contact or ()}
        target.details.contact = [*(target.details.contact or ()),
                                  *(d for d in other.details.contact or () if d.kind not in kinds)]
        if not target.details.addresses:
            target.details.addresses = other.details.addresses


def _companies_for(by: Membership, names: Sequence[str], tags: Sequence[str] = ()
                   ) -> tuple[dict[str, Company], list[Company]]:
    """{lower-cased name: company} for the people's employers: found (case-insensitively) or
    created (with the import's tag). Returns the created ones apart, for the undo."""
    wanted: dict[str, str] = {}
    for name in names:
        if name.strip():
            wanted.setdefault(name.strip().lower(), name.strip())
    found_ids = matching.companies_by_name(by.account_id, list(wanted))
    found = {c.sort_name: c for c in Company.objects.filter(pk__in=list(found_ids.values()))}
    missing = [name for lower, name in wanted.items() if lower not in found]
    created = contact_actions.create_companies(by, [NewContact({"name": name}, tags=tags) for name in missing],
                                               log_each=False)
    found.update({c.sort_name: c for c in created})
    return found, list(created)


def _store_photos(by: Membership, photos: Sequence[tuple[Person | Company, bytes | None]]) -> None:
    """Photos from vCards, through the same checks as an upload; one that is not a readable image
    is left out (the contact is imported without it)."""
    for obj, data in photos:
        if data:
            try:
                contact_actions.set_photo(obj, SimpleUploadedFile("photo", data), by)
            except ValidationError:
                continue


def _notify(imp: Import, by: Membership) -> None:
    """Tells the one who started the import that it is done (they may have left the page)."""
    with translation.override(by.user.language):
        excerpt = summary_text(imp)
    notification = Notification.objects.create(
        account=imp.account, recipient=by.user, actor=by.user, type=NotificationType.IMPORT,
        url=reverse("imports:detail", args=[imp.pk]), title=imp.file_name[:300], excerpt=excerpt[:300])
    notification_id = notification.pk
    transaction.on_commit(lambda: notification_jobs.send_notification_mails([notification_id]))


def grouped(number: int) -> str:
    """1,180 in English, 1.180 in German."""
    return number_format(number, force_grouping=True)


def summary_text(imp: Import) -> str:
    """"1,180 created, 42 updated, 3 skipped, 12 with errors": the outcome in one line."""
    return _("%(created)s created, %(updated)s updated, %(skipped)s skipped, %(errors)s with errors") % {
        "created": grouped(imp.created), "updated": grouped(imp.updated), "skipped": grouped(imp.skipped),
        "errors": grouped(imp.error_count)}


def mark_stale_failed(imp: Import) -> None:
    """A job silent for too long died with its worker: its import is failed (nothing was written,
    the writing being one transaction)."""
    if imp.state == ImportState.RUNNING and imp.shown_state == ImportState.FAILED:
        Import.objects.filter(pk=imp.pk, state=ImportState.RUNNING).update(
            state=ImportState.FAILED, finished_at=timezone.now(),
            message=_("The import stopped without finishing. Nothing was imported; please try again."))
        imp.refresh_from_db()


# --- undo ----------------------------------------------------------------------------------


def can_undo(imp: Import, now: Any = None) -> bool:
    """Done, not undone yet, and finished less than UNDO_WINDOW ago."""
    now = now or timezone.now()
    return (imp.state == ImportState.DONE and imp.finished_at is not None
            and now - imp.finished_at < UNDO_WINDOW)


@dataclass
class UndoSummary:
    people: int
    companies: int
    fields: int


def undo_summary(imp: Import) -> UndoSummary:
    """What an undo would remove and restore, for the question before it."""
    created = ImportItem.objects.filter(import_run=imp, action=ItemAction.CREATED, record__isnull=False)
    people = created.filter(record__kind=Kind.PERSON).count()
    companies = created.filter(record__kind=Kind.COMPANY).count()
    fields = 0
    for previous, added in ImportItem.objects.filter(import_run=imp, action=ItemAction.FILLED).values_list(
            "previous", "added"):
        fields += len(previous) + sum(len(ids) for ids in added.values())
    return UndoSummary(people, companies, fields)


def undo_import(imp: Import, by: Membership, now: Any = None) -> UndoSummary:
    """Takes an import back, in one transaction: removes the people and companies it created
    (with their jobs, details, tags and history; tag counters exact), and on records it filled
    puts back each field that still holds what the import wrote, and removes the details it added.
    Raises ImportRefused after UNDO_WINDOW or when already undone."""
    if not roles.can_import(by.role) and imp.created_by_id != by.user_id:
        raise PermissionDenied(_("Only the colleague who imported this, or a power user or administrator, "
                                 "can undo it."))
    summary = undo_summary(imp)
    with transaction.atomic():
        locked = Import.objects.select_for_update().get(pk=imp.pk)
        if not can_undo(locked, now):
            raise ImportRefused(_("This import can no longer be undone (undo is possible for 24 hours)."))
        _restore_filled(by, locked)
        created_ids = list(ImportItem.objects.filter(import_run=locked, action=ItemAction.CREATED,
                                                     record__isnull=False).values_list("record_id", flat=True))
        photos = [name for model in (Person, Company) for name in
                  model.objects.filter(pk__in=created_ids).exclude(photo="").values_list("photo", flat=True)]
        record_actions.delete_records_for_good(created_ids)
        Import.objects.filter(pk=locked.pk).update(state=ImportState.UNDONE, undone_at=timezone.now())
        activity.record_activity(by, ActivityVerb.IMPORT_UNDONE, summary=locked.file_name,
                                 changes={"kind": locked.kind, "people": summary.people,
                                          "companies": summary.companies, "fields": summary.fields})
        storage = Person._meta.get_field("photo").storage
        transaction.on_commit(lambda: _delete_files(storage, photos))
    imp.refresh_from_db()
    return summary


def _delete_files(storage: Any, names: Sequence[str]) -> None:
    for name in names:
        storage.delete(name)


def _restore_filled(by: Membership, imp: Import) -> None:
    """Puts back what the import filled, newest first, where nobody changed it since."""
    items = list(ImportItem.objects.filter(import_run=imp, action=ItemAction.FILLED, record__isnull=False)
                 .order_by("-pk"))
    people = {p.pk: p for p in Person.objects.filter(pk__in=[i.record_id for i in items]).select_related("record")}
    companies = {c.pk: c for c in Company.objects.filter(pk__in=[i.record_id for i in items])
                 .select_related("record")}
    touched: dict[type, list[int]] = {Person: [], Company: []}
    for item in items:
        obj: Person | Company | None = people.get(item.record_id) or companies.get(item.record_id)
        if obj is None:
            continue
        changed = []
        for name, (old, new) in item.previous.items():
            current = getattr(obj, name, None)
            current_plain = contact_actions.json_value(current)
            if current_plain == new:
                setattr(obj, name, None if old is None else (_date(old) if name == "birthday" else old))
                changed.append(name)
        added = item.added or {}
        removed = ContactDetail.objects.filter(record_id=obj.pk, pk__in=added.get("contact_details", [])).delete()[0]
        removed += Address.objects.filter(record_id=obj.pk, pk__in=added.get("addresses", [])).delete()[0]
        removed += Position.objects.filter(person_id=obj.pk, pk__in=added.get("positions", [])).delete()[0]
        if changed or removed:
            record_actions.bump_version(obj.record, by, None)
            if changed:
                obj.refresh_derived()
                obj.save(update_fields=[*changed, "sort_name"])
                record_actions.save_record_header(obj.record, obj.full_name)
            touched[type(obj)].append(obj.pk)
    for model, ids in touched.items():
        search_index.index_objects(model, ids)


def _date(value: str) -> Any:
    return dt.date.fromisoformat(value)


# --- housekeeping ----------------------------------------------------------------------------

DRAFTS_KEPT = dt.timedelta(days=1)
UPLOADS_KEPT = dt.timedelta(days=30)


def forget_old_uploads(now: dt.datetime | None = None) -> int:
    """Removes drafts nobody started within DRAFTS_KEPT, with their files, and the stored files of
    imports that ended more than UPLOADS_KEPT ago (long past their undo; their error report then
    lists row numbers and messages without the original cells). Returns the files removed."""
    now = now or timezone.now()
    removed = 0
    drafts = Import.objects.filter(state=ImportState.DRAFT, created_at__lt=now - DRAFTS_KEPT)
    for imp in drafts:
        if imp.upload:
            imp.upload.delete(save=False)
            removed += 1
    drafts.delete()
    old = (Import.objects.exclude(upload="").filter(finished_at__lt=now - UPLOADS_KEPT)
           .exclude(state__in=[ImportState.DRAFT, ImportState.PENDING, ImportState.RUNNING]))
    for imp in old:
        imp.upload.delete(save=False)
        Import.objects.filter(pk=imp.pk).update(upload="")
        removed += 1
    return removed


# --- reading imports -------------------------------------------------------------------------


def imports_of(by: Membership) -> Any:
    """The account's imports, newest first, drafts of others left out."""
    return (Import.objects.filter(account=by.account)
            .filter(~Q(state=ImportState.DRAFT) | Q(created_by=by.user))
            .select_related("created_by").order_by("-created_at", "-pk"))
