""""Take your data with you": the whole account as one zip, for its owner.

    README.txt               what is where
    people.csv companies.csv deals.csv projects.csv     the lists, as their exports have them
    contact_details.csv addresses.csv positions.csv assistants.csv important_dates.csv
    tags.csv tagged_records.csv
    history.csv history_links.csv comments.csv tasks.csv
    files.csv  files/<id>-<name>
    photos.csv  photos/<record id>-<name>.<ext>    the people's photos and the companies' logos

Every CSV is UTF-8 with a byte order mark and commas, every table names records by id, type and
name, so that the lists can be joined again in a spreadsheet or another CRM. Records in the trash
are left out, with their details and files. The zip is written to a file (the caller's temporary
file), table by table and file by file, each fetched in chunks: memory stays small whatever the
size of the account.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import Choices, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kontor.accounts.models import Account
from kontor.contacts.models import (
    Address,
    AddressLabel,
    Assistant,
    Company,
    ContactDetail,
    DetailKind,
    DetailLabel,
    ImportantDate,
    Person,
    Position,
)
from kontor.deals.models import Deal
from kontor.files.models import Attachment
from kontor.history.models import Comment, Entry, EntryKind, EntryLink
from kontor.projects.models import Project
from kontor.records.custom_fields import fields_of
from kontor.records.models import CustomField, Kind, RecordTag, Tag
from kontor.tasks.models import Task, TaskType
from kontor.transfer import export

CHUNK = 2000
COPY_BYTES = 1024 * 1024


def safe_file_name(name: str) -> str:
    """A stored file's original name as a harmless name inside the zip: no folders, no leading
    dots, nothing that unpacks outside files/."""
    cleaned = "".join("_" if char in '/\\:*?"<>|' or ord(char) < 32 else char for char in name)
    return cleaned.strip().lstrip(".") or "file"


class _Zip:
    def __init__(self, archive: zipfile.ZipFile, tz: dt.tzinfo) -> None:
        self.archive, self.tz = archive, tz

    def table(self, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """One CSV in the zip, written row by row (never the whole table in memory)."""
        with self.archive.open(name, "w", force_zip64=True) as raw, \
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(headers)
            for row in rows:
                writer.writerow([self._cell(value) for value in row])

    def _cell(self, value: Any) -> str:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        return export.csv_cell(value, "text", export.COMMA, self.tz)

    def export_list(self, name: str, kind: str, items: QuerySet[Any], fields: list[CustomField]) -> None:
        columns = export.columns_for(kind, fields)
        rows = ([column.value(obj) for column in columns] for obj in export.rows_of(kind, items, fields))
        self.table(name, export.headers(columns), rows)


def _record_columns() -> list[str]:
    return [_("Record ID"), _("Record type"), _("Record")]


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def _values(items: QuerySet[Any], *fields: str) -> Iterator[tuple[Any, ...]]:
    return items.values_list(*fields).iterator(chunk_size=CHUNK)


def _labelled(rows: Iterator[tuple[Any, ...]], labels: dict[int, type[Choices]]) -> Iterator[list[Any]]:
    """Rows with the stored codes at the given positions in words ("Person" rather than "person",
    "privat" rather than "private"), in the language of the download."""
    names = {position: dict(choices.choices) for position, choices in labels.items()}
    for row in rows:
        values = list(row)
        for position, words in names.items():
            if values[position] in words:
                values[position] = str(words[values[position]])
        yield values


def write_account_zip(account: Account, target: IO[bytes], tz: dt.tzinfo | None = None) -> None:
    """Writes the account's data and files as a zip into `target` (see the module docstring)."""
    zone = tz or export.current_zone()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        out = _Zip(archive, zone)
        archive.writestr("README.txt", _readme(account))
        _lists(out, account)
        _details(out, account)
        _history(out, account)
        _files(out, archive, account)
        _photos(out, archive, account)


def _lists(out: _Zip, account: Account) -> None:
    people = Person.objects.filter(account=account).alive().order_by("sort_name", "pk")
    companies = Company.objects.filter(account=account).alive().order_by("sort_name", "pk")
    deals = Deal.objects.filter(account=account).alive().order_by("sort_name", "pk")
    projects = Project.objects.filter(account=account).alive().order_by("sort_name", "pk")
    out.export_list("people.csv", Kind.PERSON, people, fields_of(account, Kind.PERSON))
    out.export_list("companies.csv", Kind.COMPANY, companies, fields_of(account, Kind.COMPANY))
    out.export_list("deals.csv", Kind.DEAL, deals, fields_of(account, Kind.DEAL))
    out.export_list("projects.csv", Kind.PROJECT, projects, fields_of(account, Kind.PROJECT))


def _details(out: _Zip, account: Account) -> None:
    live = {"account": account, "record__deleted_at__isnull": True}
    details = ContactDetail.objects.filter(**live).order_by("record_id", "position", "pk")
    out.table("contact_details.csv", [*_record_columns(), _("Type"), _("Label"), _("Value")],
              _labelled(_values(details, "record_id", "record__kind", "record__display_name", "kind", "label", "value"),
                        {1: Kind, 3: DetailKind, 4: DetailLabel}))
    addresses = Address.objects.filter(**live).order_by("record_id", "position", "pk")
    out.table("addresses.csv", [*_record_columns(), _("Label"), _("Street"), _("Postcode"), _("City"),
                                pgettext("address", "State"), _("Country")],
              _labelled(_values(addresses, "record_id", "record__kind", "record__display_name", "label", "street",
                                "zip", "city", "state", "country"), {1: Kind, 3: AddressLabel}))
    positions = Position.objects.filter(account=account, person__record__deleted_at__isnull=True,
                                        company__record__deleted_at__isnull=True).order_by("person_id", "pk")
    out.table("positions.csv", [_("Person ID"), _("Person"), _("Company ID"), _("Company"), _("Job title"),
                                _("Department"), _("Primary"), _("Former")],
              _values(positions, "person_id", "person__record__display_name", "company_id", "company__name",
                      "job_title", "department", "is_primary", "is_former"))
    person_live = {"account": account, "person__record__deleted_at__isnull": True}
    out.table("assistants.csv", [_("Person ID"), _("Person"), _("Name"), _("E-mail"), _("Phone")],
              _values(Assistant.objects.filter(**person_live).order_by("person_id", "pk"), "person_id",
                      "person__record__display_name", "name", "email", "phone"))
    out.table("important_dates.csv", [_("Person ID"), _("Person"), _("Occasion"), _("Date")],
              _values(ImportantDate.objects.filter(**person_live).order_by("person_id", "date"), "person_id",
                      "person__record__display_name", "label", "date"))
    out.table("tags.csv", [_("Tag ID"), _("Name")],
              _values(Tag.objects.filter(account=account).order_by("name"), "pk", "name"))
    tagged = RecordTag.objects.filter(record__account=account, record__deleted_at__isnull=True)
    out.table("tagged_records.csv", [*_record_columns(), _("Tag ID"), _("Tag")],
              _labelled(_values(tagged.order_by("record_id", "tag__name"), "record_id", "record__kind",
                                "record__display_name", "tag_id", "tag__name"), {1: Kind}))


def _history(out: _Zip, account: Account) -> None:
    entries = Entry.objects.filter(account=account).order_by("happened_at", "pk")
    out.table("history.csv", [_("ID"), _("Type"), _("Subject"), _("Text"), _("Author"), _("Date"),
                              _("Confidential"), _("Created"), _("Changed")],
              _labelled(_values(entries, "pk", "kind", "subject", "body", "author__name", "happened_at",
                                "confidential", "created_at", "updated_at"), {1: EntryKind}))
    links = EntryLink.objects.filter(entry__account=account, record__deleted_at__isnull=True)
    out.table("history_links.csv", [_("Entry ID"), *_record_columns()],
              _labelled(_values(links.order_by("entry_id", "record_id"), "entry_id", "record_id", "record__kind",
                                "record__display_name"), {2: Kind}))
    comments = Comment.objects.filter(account=account).order_by("created_at", "pk")
    out.table("comments.csv", [_("ID"), _("Entry ID"), _("Task ID"), _("File ID"), _("Author"), _("Text"),
                               _("Created")],
              _values(comments, "pk", "entry_id", "task_id", "file_id", "author__name", "body", "created_at"))
    tasks = Task.objects.visible_in(account).order_by("pk")
    out.table("tasks.csv", [_("ID"), _("Title"), _("Type"), *_record_columns(), _("Assigned to"), _("Due date"),
                            _("Time"), _("Description"), _("Done at"), _("Done by"), _("Created")],
              _labelled(_values(tasks, "pk", "title", "type", "record_id", "record__kind", "record__display_name",
                                "assignee__name", "due_date", "due_time", "description", "done_at",
                                "done_by__name", "created_at"), {2: TaskType, 4: Kind}))


def _files(out: _Zip, archive: zipfile.ZipFile, account: Account) -> None:
    """files.csv and each file's bytes under files/<id>-<name>; a file whose bytes are gone from
    the storage is listed with an empty path rather than stopping the download."""
    files = (Attachment.objects.filter(account=account).visible_to(True).select_related("record", "uploaded_by")
             .order_by("pk"))

    def rows() -> Iterator[list[Any]]:
        for attachment in files.iterator(chunk_size=CHUNK):
            path = f"files/{attachment.pk}-{safe_file_name(attachment.name)}"
            if not _copy(archive, attachment.file, path):
                path = ""
            record = attachment.record
            uploader = attachment.uploaded_by
            yield [attachment.pk, attachment.name, path, record.pk if record else None,
                   _kind_label(record.kind) if record else "", record.display_name if record else "",
                   attachment.entry_id, attachment.content_type, attachment.size,
                   (uploader.name or uploader.email) if uploader else "", attachment.created_at]

    # The table is written after the files (zipfile writes one member at a time), from a list of
    # small rows: one per file, not the files' bytes.
    listed = list(rows())
    out.table("files.csv", [_("ID"), _("File name"), _("Path in this zip"), *_record_columns(), _("Entry ID"),
                            _("Content type"), _("Size (bytes)"), _("Uploaded by"), _("Created")], listed)


def _copy(archive: zipfile.ZipFile, stored: FieldFile, path: str) -> bool:
    try:
        source = stored.open("rb")
    except (OSError, ValueError):
        return False
    with source, archive.open(path, "w", force_zip64=True) as member:
        while chunk := source.read(COPY_BYTES):
            member.write(chunk)
    return True


def _photos(out: _Zip, archive: zipfile.ZipFile, account: Account) -> None:
    """photos.csv and each person's photo and company's logo under photos/<record id>-<name>: they
    are not attachments, yet a team moving on wants its contacts' faces too. A photo whose bytes
    are gone from the storage is listed with an empty path."""
    def rows() -> Iterator[list[Any]]:
        for model, kind in ((Person, Kind.PERSON), (Company, Kind.COMPANY)):
            with_photo = (model.objects.filter(account=account).alive().exclude(photo="")
                          .select_related("record").order_by("pk"))
            for obj in with_photo.iterator(chunk_size=CHUNK):
                stored_name = obj.photo.name or ""
                extension = stored_name.rsplit(".", 1)[-1] if "." in stored_name else "img"
                path = f"photos/{obj.pk}-{safe_file_name(obj.record.display_name)}.{extension}"
                if not _copy(archive, obj.photo, path):
                    path = ""
                yield [obj.pk, _kind_label(kind), obj.record.display_name, path]

    listed = list(rows())
    out.table("photos.csv", [*_record_columns(), _("Path in this zip")], listed)


def _readme(account: Account) -> str:
    lines = [
        _("All data of %(account)s in Kontor, as of %(date)s.") % {
            "account": account.name, "date": timezone.localdate().isoformat()},
        "",
        _("Every table is a CSV file in UTF-8 with commas; spreadsheet programs open them directly."),
        _("Records are named by their ID, so the tables can be joined: for example, contact_details.csv "
          "lists the e-mails and numbers of the people in people.csv by their record ID."),
        _("The files folder holds every file, named by its ID and original name, as listed in files.csv."),
        _("The photos folder holds the photos of people and the logos of companies, as listed in photos.csv."),
        _("Records in the trash are not included."),
    ]
    return "\r\n".join(lines) + "\r\n"


# Used by tests and the docs: every table the zip holds.
TABLES = ("people.csv", "companies.csv", "deals.csv", "projects.csv", "contact_details.csv", "addresses.csv",
          "positions.csv", "assistants.csv", "important_dates.csv", "tags.csv", "tagged_records.csv",
          "history.csv", "history_links.csv", "comments.csv", "tasks.csv", "files.csv", "photos.csv")
