"""Exports of the four lists as CSV and Excel: which columns each kind has, and the writers.

The writers are generators over querysets: rows are fetched in chunks (Django's `iterator()`, with
the related lists of each chunk loaded as tuples in one query per list), so an export of 100,000
people costs a few queries per 2,000 rows and never holds the whole list in memory.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and some also one after a
tab or carriage return) as a formula, so a name like `=HYPERLINK(...)` typed into a form could
act when a colleague opens the export. Every text cell that starts so gets a leading apostrophe,
which Excel and LibreOffice read as "this is text" (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from django.db.models import F, Field, Model, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kontor.contacts.models import Address, Company, ContactDetail, DetailKind, Person, Position, person_name
from kontor.deals.models import Deal
from kontor.projects.models import Project
from kontor.records.models import CustomField, CustomValue, FieldType, Kind, RecordTag

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# openpyxl (175 modules, about 10 MB in every process) is imported where a workbook is written,
# not with this module, which every web worker loads with the URLs.

Cell = str | int | Decimal | dt.date | dt.datetime | None

# Rows fetched (and their related lists prefetched) per query; SQLite allows far more
# parameters than this in one IN (...).
CHUNK = 2000
# Rows per piece of a streamed CSV: large enough that the server writes few, small pieces.
ROWS_PER_PIECE = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it and never runs it: an apostrophe before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, how to read the value from a row, and its type.

    `type` is "text", "number", "amount" (money, two places), "date" or "datetime"."""

    header: str | Promise
    value: Callable[[Any], Cell]
    type: str = "text"


@dataclass(frozen=True)
class CsvDialect:
    """Comma-separated with a decimal point (Excel in English, Google, LibreOffice), or the
    semicolons and decimal commas that Excel expects where German is the system's language."""

    delimiter: str = ","
    decimal_comma: bool = False


COMMA = CsvDialect()
SEMICOLON = CsvDialect(";", decimal_comma=True)


# -- what a row carries ------------------------------------------------------------------------------
#
# The related lists are loaded per chunk as plain tuples (see `_attach`), not as model instances:
# building Django models for 300,000 contact details costs more than the whole rest of an export.

class Detail(NamedTuple):
    kind: str
    label: str
    value: str


class AddressRow(NamedTuple):
    label: str
    street: str
    zip: str
    city: str
    state: str
    country: str

    @property
    def lines(self) -> list[str]:
        city_line = " ".join(part for part in (self.zip, self.city) if part)
        return [line for line in (self.street, city_line, self.state, self.country) if line]


class Job(NamedTuple):
    company_name: str
    job_title: str
    department: str
    is_primary: bool
    is_former: bool


def primary_job(obj: Any) -> Job | None:
    """The person's primary current job, else the first current one (as the person page shows):
    the first current job, as `_attach` sorts them."""
    return next((job for job in obj.export_jobs if not job.is_former), None)


# -- reading values ----------------------------------------------------------------------------------

def _lines(values: Iterable[str]) -> str:
    # Several e-mails or numbers share one cell, one per line: a newline never occurs inside one.
    return "\n".join(value for value in values if value)


def _details(kind: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        return _lines(d.value for d in obj.export_details if d.kind == kind)
    return read


def _first_address(part: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        addresses = obj.export_addresses
        return str(getattr(addresses[0], part)) if addresses else ""
    return read


def _further_addresses(obj: Any) -> str:
    return _lines(", ".join(address.lines) for address in obj.export_addresses[1:])


def _tags(obj: Any) -> str:
    return ", ".join(obj.export_tags)


def _responsible(obj: Any) -> str:
    return obj.export_responsible_name or obj.export_responsible_email or ""


def _choice(model: type[Model], field: str) -> Callable[[Any], str]:
    model_field = model._meta.get_field(field)
    assert isinstance(model_field, Field)  # a choice field, never a relation
    labels = dict(model_field.flatchoices)

    def read(obj: Any) -> str:
        value = getattr(obj, field)
        return str(labels.get(value, value)) if value else ""
    return read


def _job(part: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        job = obj.export_job
        return str(getattr(job, part)) if job is not None else ""
    return read


def _names(attribute: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        return ", ".join(getattr(obj, attribute))
    return read


def _company_name(obj: Any) -> str:
    # A company in the trash is gone from every list; its deals keep pointing at it until restored.
    return obj.export_company or "" if obj.export_company_deleted is None else ""


def _id(obj: Any) -> int:
    return int(obj.pk)


def _created(obj: Any) -> dt.datetime:
    return obj.export_created


def _updated(obj: Any) -> dt.datetime:
    return obj.export_updated
_CONTACT_COLUMNS = [
    Column(_("E-mail"), _details(DetailKind.EMAIL)),
    Column(_("Phone"), _details(DetailKind.PHONE)),
    Column(_("Mobile"), _details(DetailKind.MOBILE)),
    Column(_("Fax"), _details(DetailKind.FAX)),
    Column(_("Website"), _details(DetailKind.WEBSITE)),
    Column(_("Messenger"), _details(DetailKind.MESSENGER)),
    Column(_("Street"), _first_address("street")),
    Column(_("Postcode"), _first_address("zip")),
    Column(_("City"), _first_address("city")),
    Column(pgettext_lazy("address", "State"), _first_address("state")),
    Column(_("Country"), _first_address("country")),
    Column(_("Further addresses"), _further_addresses),
]
_RECORD_COLUMNS = [
    Column(_("Tags"), _tags),
    Column(_("Responsible"), _responsible),
    Column(_("Created"), _created, "datetime"),
    Column(_("Changed"), _updated, "datetime"),
]

PERSON_COLUMNS = [
    Column(_("ID"), _id, "number"),
    Column(_("Salutation"), _choice(Person, "salutation")),
    Column(_("Title"), lambda p: p.title),
    Column(_("First name"), lambda p: p.first_name),
    Column(_("Last name"), lambda p: p.last_name),
    Column(_("Company"), _job("company_name")),
    Column(_("Job title"), _job("job_title")),
    Column(_("Department"), _job("department")),
    *_CONTACT_COLUMNS,
    Column(_("Birthday"), lambda p: p.birthday, "date"),
    Column(_("Gender"), _choice(Person, "gender")),
    Column(_("Language"), lambda p: p.language),
    Column(_("Background"), lambda p: p.background),
    *_RECORD_COLUMNS,
]

COMPANY_COLUMNS = [
    Column(_("ID"), _id, "number"),
    Column(_("Name"), lambda c: c.name),
    *_CONTACT_COLUMNS,
    Column(_("Background"), lambda c: c.background),
    *_RECORD_COLUMNS,
]

DEAL_COLUMNS = [
    Column(_("ID"), _id, "number"),
    Column(_("Name"), lambda d: d.name),
    Column(_("Value"), lambda d: d.value, "amount"),
    Column(_("Value type"), _choice(Deal, "value_type")),
    Column(_("Count"), lambda d: d.value_count, "number"),
    Column(_("Total value"), lambda d: d.total_value, "amount"),
    Column(_("Currency"), lambda d: d.currency),
    Column(_("State"), _choice(Deal, "state")),
    Column(_("Probability (%)"), lambda d: d.probability if d.is_open else None, "number"),
    Column(_("Target date"), lambda d: d.target_date, "date"),
    Column(_("Closed"), lambda d: d.closed_at, "datetime"),
    Column(_("Company"), _company_name),
    Column(_("Contact persons"), _names("export_people")),
    Column(_("Colleagues"), _names("export_colleagues")),
    Column(_("Description"), lambda d: d.description),
    *_RECORD_COLUMNS,
]

PROJECT_COLUMNS = [
    Column(_("ID"), _id, "number"),
    Column(_("Name"), lambda p: p.name),
    Column(_("Status"), _choice(Project, "status")),
    Column(_("Company"), _company_name),
    Column(_("People"), _names("export_people")),
    Column(_("Colleagues"), _names("export_colleagues")),
    Column(_("Start date"), lambda p: p.start_date, "date"),
    Column(_("End date"), lambda p: p.end_date, "date"),
    Column(_("Deal"), lambda p: p.export_deal or ""),
    Column(_("Description"), lambda p: p.description),
    *_RECORD_COLUMNS,
]

COLUMNS: dict[str, list[Column]] = {Kind.PERSON: PERSON_COLUMNS, Kind.COMPANY: COMPANY_COLUMNS,
                                    Kind.DEAL: DEAL_COLUMNS, Kind.PROJECT: PROJECT_COLUMNS}

CUSTOM_TYPES: dict[str, str] = {FieldType.NUMBER: "number", FieldType.DATE: "date"}
# Where a field type keeps its value among text, long text, number, date, yes/no (else text).
VALUE_COLUMN: dict[str, int] = {FieldType.LONG_TEXT: 1, FieldType.NUMBER: 2, FieldType.DATE: 3, FieldType.BOOLEAN: 4}


def _plain_number(value: Decimal) -> Decimal:
    # Stored with six places: 182.500000 exports as 182.5 and 100.000000 as 100 (never as 1E+2).
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _custom(field: CustomField) -> Callable[[Any], Cell]:
    def read(obj: Any) -> Cell:
        value = obj.export_custom.get(field.pk)
        if value is None:
            return None
        if field.type == FieldType.BOOLEAN:
            return str(_("Yes") if value else _("No"))
        if field.type == FieldType.NUMBER:
            return _plain_number(value)
        return value
    return read


def columns_for(kind: str, fields: Sequence[CustomField] = ()) -> list[Column]:
    """The kind's columns and, after them, one per custom field of the account (in their order)."""
    return COLUMNS[kind] + [Column(field.name, _custom(field), CUSTOM_TYPES.get(field.type, "text"))
                            for field in fields]


# -- fetching ----------------------------------------------------------------------------------------

def _annotated(kind: str, items: QuerySet[Any]) -> QuerySet[Any]:
    """The rows with the few values of related rows they show (record times, responsible, company),
    read by the same query as plain values rather than as three more model instances per row."""
    items = items.annotate(
        export_created=F("record__created_at"), export_updated=F("record__updated_at"),
        export_responsible_name=F("record__responsible__name"),
        export_responsible_email=F("record__responsible__email"))
    if kind in (Kind.PERSON, Kind.COMPANY):
        # The photo's name alone says whether there is one, without building a file object per row.
        items = items.annotate(export_photo=F("photo"))
    if kind in (Kind.DEAL, Kind.PROJECT):
        items = items.annotate(export_company=F("company__name"),
                               export_company_deleted=F("company__record__deleted_at"))
    if kind == Kind.PROJECT:
        items = items.annotate(export_deal=F("deal__name"))
    return items


def _grouped(rows: Iterable[tuple[Any, ...]], make: Callable[..., Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for key, *values in rows:
        grouped[key].append(make(*values))
    return grouped


def _colleague(name: str, email: str) -> str:
    return name or email


def _custom_values(ids: list[int], fields: Sequence[CustomField]) -> dict[int, dict[int, Any]]:
    """{record id: {field id: value}} of the chunk's filled custom fields, in one query."""
    types = {field.pk: field.type for field in fields}
    found: dict[int, dict[int, Any]] = defaultdict(dict)
    rows = CustomValue.objects.filter(record_id__in=ids, field_id__in=list(types)).values_list(
        "record_id", "field_id", "text_value", "long_text_value", "number_value", "date_value", "bool_value")
    for record_id, field_id, *stored in rows:
        found[record_id][field_id] = stored[VALUE_COLUMN.get(types[field_id], 0)]
    return found


def _attach(kind: str, chunk: list[Any], fields: Sequence[CustomField] = ()) -> None:
    """Loads the related lists of a chunk of rows, one query per list, as tuples."""
    ids = [obj.pk for obj in chunk]
    custom = _custom_values(ids, fields) if fields else {}
    tags = _grouped(RecordTag.objects.filter(record_id__in=ids).order_by("record_id", "tag__name")
                    .values_list("record_id", "tag__name"), str)
    lists: dict[str, dict[int, list[Any]]] = {"export_tags": tags}
    if kind in (Kind.PERSON, Kind.COMPANY):
        lists["export_details"] = _grouped(
            ContactDetail.objects.filter(record_id__in=ids).order_by("record_id", "position", "pk")
            .values_list("record_id", "kind", "label", "value"), Detail)
        lists["export_addresses"] = _grouped(
            Address.objects.filter(record_id__in=ids).order_by("record_id", "position", "pk")
            .values_list("record_id", "label", "street", "zip", "city", "state", "country"), AddressRow)
    if kind == Kind.PERSON:
        lists["export_jobs"] = _grouped(
            Position.objects.filter(person_id__in=ids, company__record__deleted_at__isnull=True)
            .order_by("person_id", "-is_primary", "is_former", "pk")
            .values_list("person_id", "company__name", "job_title", "department", "is_primary", "is_former"), Job)
    if kind in (Kind.DEAL, Kind.PROJECT):
        model = Deal if kind == Kind.DEAL else Project
        key = f"{model._meta.model_name}_id"
        people = model.people.through.objects.filter(**{f"{key}__in": ids},
                                                     person__record__deleted_at__isnull=True)
        lists["export_people"] = _grouped(
            people.order_by(key, "person__sort_name", "person_id")
            .values_list(key, "person__title", "person__first_name", "person__last_name"), person_name)
        colleagues = model.colleagues.through.objects.filter(**{f"{key}__in": ids})
        lists["export_colleagues"] = _grouped(
            colleagues.order_by(key, "user__name", "user_id").values_list(key, "user__name", "user__email"),
            _colleague)
    for obj in chunk:
        for attribute, grouped in lists.items():
            setattr(obj, attribute, grouped.get(obj.pk, []))
        if kind == Kind.PERSON:
            obj.export_job = primary_job(obj)
        obj.export_custom = custom.get(obj.pk, {})


def rows_of(kind: str, items: QuerySet[Any], fields: Sequence[CustomField] = ()) -> Iterator[Any]:
    """The objects of an export, in the queryset's order, CHUNK at a time, each carrying what the
    columns and vCards read (and the values of these custom fields): a fixed number of queries per
    chunk, never one per row."""
    objects = _annotated(kind, items).iterator(chunk_size=CHUNK)
    while chunk := list(islice(objects, CHUNK)):
        _attach(kind, chunk, fields)
        yield from chunk


def loaded_one(kind: str, obj: Person | Company) -> Any:
    """One person or company, loaded as an export row (for a single vCard)."""
    items: QuerySet[Any] = (Person.objects.filter(pk=obj.pk) if isinstance(obj, Person)
                            else Company.objects.filter(pk=obj.pk))
    return next(rows_of(kind, items))


# -- cells -------------------------------------------------------------------------------------------

def _local(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    # Spreadsheets know no time zones: the wall-clock time of the person exporting, to the minute.
    return value.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def csv_cell(value: Cell, column_type: str, dialect: CsvDialect, tz: dt.tzinfo) -> str:
    """One value as CSV text: dates in ISO form (every Excel reads them), times in `tz` to the
    minute, amounts with two places, text neutralised."""
    if type(value) is str:  # most cells: the quick way first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        text = f"{value:.2f}" if column_type == "amount" else str(value)
        return text.replace(".", ",") if dialect.decimal_comma else text
    return neutralise(str(value))


def _xlsx_cell(value: Cell, tz: dt.tzinfo) -> Cell:
    if isinstance(value, dt.datetime):
        return _local(value, tz)
    if isinstance(value, str):
        return value or None
    return value


def xlsx_text(sheet: WriteOnlyWorksheet, value: object) -> object:
    """A workbook cell that shows text exactly and never runs it. A text starting like a formula
    becomes a string cell marked "quote prefix", which is what Excel stores when someone types an
    apostrophe first: the cell reads "+49 30 1234" (not "'+49 30 1234", which would come back
    with the apostrophe on a re-import) and is never evaluated. Anything else passes through."""
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl takes a leading "=" for a formula; this keeps it text
    cell.quotePrefix = True
    return cell


# -- writers -----------------------------------------------------------------------------------------

class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def headers(columns: Sequence[Column]) -> list[str]:
    return [str(column.header) for column in columns]


def csv_pieces(columns: Sequence[Column], rows: Iterable[Any], dialect: CsvDialect = COMMA,
               tz: dt.tzinfo | None = None) -> Iterator[bytes]:
    """The CSV as UTF-8 pieces, starting with a byte order mark (without it, Excel reads UTF-8 as
    Windows-1252 and shows "MÃ¼ller"). Line ends are CRLF, as RFC 4180 and Excel want them."""
    zone = tz or timezone.get_current_timezone()
    sink = _Line()
    writer = csv.writer(sink, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(headers(columns))
    yield (UTF8_BOM + sink.take()).encode("utf-8")
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(column.value(row), column.type, dialect, zone) for column in columns])
        if number % ROWS_PER_PIECE == 0:
            yield sink.take().encode("utf-8")
    rest = sink.take()
    if rest:
        yield rest.encode("utf-8")


NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "amount": "#,##0.00"}
COLUMN_WIDTHS = {"date": 12, "datetime": 17, "amount": 14, "number": 10, "text": 20}


def write_xlsx(target: IO[bytes] | str, columns: Sequence[Column], rows: Iterable[Any], sheet_title: str,
               tz: dt.tzinfo | None = None) -> None:
    """Writes the rows as one sheet of an Excel workbook, in openpyxl's write-only mode (each row
    goes to a temporary file as it is added): dates as dates, amounts as numbers with two places,
    a bold, frozen heading row and an autofilter."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    zone = tz or timezone.get_current_timezone()
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = COLUMN_WIDTHS.get(column.type, 20)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_letter(len(columns) - 1)}1"
    bold = Font(bold=True)
    heading = []
    for text in headers(columns):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    formats = [NUMBER_FORMATS.get(column.type) for column in columns]
    for row in rows:
        cells: list[Any] = []
        for column, number_format in zip(columns, formats, strict=True):
            value = _xlsx_cell(column.value(row), zone)
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(xlsx_text(sheet, value))
        sheet.append(cells)
    workbook.save(target)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _sheet_title(title: str) -> str:
    # Excel refuses sheet names longer than 31 characters or containing any of []:*?/\
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31] or "Export"


def localized(pieces: Iterator[bytes], language: str, tz: dt.tzinfo) -> Iterator[bytes]:
    """The pieces of a streamed export, produced in the language and time zone of the request
    that started it: a streamed body is written after the view has returned."""
    with translation.override(language), timezone.override(tz):
        yield from pieces


def current_zone() -> dt.tzinfo:
    zone = timezone.get_current_timezone()
    return zone if zone is not None else zoneinfo.ZoneInfo("UTC")
