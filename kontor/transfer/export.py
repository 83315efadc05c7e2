"""Exports of the four lists as CSV and Excel: which columns each kind has, and the writers.

The writers are generators over querysets: rows are fetched in chunks (Django's `iterator()` with
the related lists prefetched per chunk), so an export of 100,000 people costs a few queries per
2,000 rows and never holds the whole list in memory.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kontor.contacts.models import Address, ContactDetail, DetailKind, Person, Position
from kontor.deals.models import Deal
from kontor.projects.models import Project
from kontor.records.models import Kind, Tag

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


# -- reading values ----------------------------------------------------------------------------------

def _lines(values: Iterable[str]) -> str:
    # Several e-mails or numbers share one cell, one per line: a newline never occurs inside one.
    return "\n".join(value for value in values if value)


def _details(kind: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        return _lines(d.value for d in obj.record.export_details if d.kind == kind)
    return read


def _first_address(part: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        addresses = obj.record.export_addresses
        return str(getattr(addresses[0], part)) if addresses else ""
    return read


def _further_addresses(obj: Any) -> str:
    return _lines(", ".join(address.lines) for address in obj.record.export_addresses[1:])


def _tags(obj: Any) -> str:
    return ", ".join(tag.name for tag in obj.record.export_tags)


def _responsible(obj: Any) -> str:
    user = obj.record.responsible
    return user.name or user.email if user is not None else ""


def _choice(field: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        return str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field) else ""
    return read


def _primary_position(obj: Person) -> Position | None:
    positions = obj.export_positions  # type: ignore[attr-defined]
    current = [p for p in positions if not p.is_former]
    return next((p for p in current if p.is_primary), current[0] if current else None)


def _job(part: str) -> Callable[[Person], str]:
    def read(person: Person) -> str:
        position = _primary_position(person)
        if position is None:
            return ""
        return position.company.name if part == "company" else str(getattr(position, part))
    return read


def _names(attribute: str) -> Callable[[Any], str]:
    def read(obj: Any) -> str:
        return ", ".join(str(item) for item in getattr(obj, attribute))
    return read


def _company_name(obj: Deal | Project) -> str:
    return obj.company.name if obj.company is not None and obj.company.record.deleted_at is None else ""


def _id(obj: Any) -> int:
    return int(obj.pk)


def _created(obj: Any) -> dt.datetime:
    return obj.record.created_at


def _updated(obj: Any) -> dt.datetime:
    return obj.record.updated_at


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
    Column(_("Salutation"), _choice("salutation")),
    Column(_("Title"), lambda p: p.title),
    Column(_("First name"), lambda p: p.first_name),
    Column(_("Last name"), lambda p: p.last_name),
    Column(_("Company"), _job("company")),
    Column(_("Job title"), _job("job_title")),
    Column(_("Department"), _job("department")),
    *_CONTACT_COLUMNS,
    Column(_("Birthday"), lambda p: p.birthday, "date"),
    Column(_("Gender"), _choice("gender")),
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
    Column(_("Value type"), _choice("value_type")),
    Column(_("Count"), lambda d: d.value_count, "number"),
    Column(_("Total value"), lambda d: d.total_value, "amount"),
    Column(_("Currency"), lambda d: d.currency),
    Column(_("State"), _choice("state")),
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
    Column(_("Status"), _choice("status")),
    Column(_("Company"), _company_name),
    Column(_("People"), _names("export_people")),
    Column(_("Colleagues"), _names("export_colleagues")),
    Column(_("Start date"), lambda p: p.start_date, "date"),
    Column(_("End date"), lambda p: p.end_date, "date"),
    Column(_("Deal"), lambda p: p.deal.name if p.deal is not None else ""),
    Column(_("Description"), lambda p: p.description),
    *_RECORD_COLUMNS,
]

COLUMNS: dict[str, list[Column]] = {Kind.PERSON: PERSON_COLUMNS, Kind.COMPANY: COMPANY_COLUMNS,
                                    Kind.DEAL: DEAL_COLUMNS, Kind.PROJECT: PROJECT_COLUMNS}


# -- fetching ----------------------------------------------------------------------------------------

def _record_lists() -> list[Prefetch]:
    return [
        Prefetch("record__contact_details", ContactDetail.objects.order_by("position", "pk"),
                 to_attr="export_details"),
        Prefetch("record__addresses", Address.objects.order_by("position", "pk"), to_attr="export_addresses"),
        Prefetch("record__tags", Tag.objects.order_by("name"), to_attr="export_tags"),
    ]


def with_export_data(kind: str, items: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset with everything its columns (and vCards) read, loaded per chunk in a fixed
    number of queries: no query per row."""
    items = items.select_related("record__responsible")
    if kind == Kind.PERSON:
        jobs = Position.objects.filter(company__record__deleted_at__isnull=True).select_related("company")
        return items.prefetch_related(*_record_lists(), Prefetch("positions", jobs, to_attr="export_positions"))
    if kind == Kind.COMPANY:
        return items.prefetch_related(*_record_lists())
    live_people = Person.objects.alive().order_by("sort_name", "pk")
    items = items.select_related("company__record").prefetch_related(
        Prefetch("record__tags", Tag.objects.order_by("name"), to_attr="export_tags"),
        Prefetch("people", live_people, to_attr="export_people"),
        Prefetch("colleagues", to_attr="export_colleagues"),
    )
    return items.select_related("deal") if kind == Kind.PROJECT else items


def rows_of(kind: str, items: QuerySet[Any]) -> Iterator[Any]:
    """The objects of an export, fetched CHUNK at a time with their related lists."""
    return with_export_data(kind, items).iterator(chunk_size=CHUNK)


# -- cells -------------------------------------------------------------------------------------------

def _local(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    # Spreadsheets know no time zones: the wall-clock time of the person exporting, to the minute.
    return timezone.localtime(value, tz).replace(tzinfo=None, second=0, microsecond=0)


def csv_cell(value: Cell, column_type: str, dialect: CsvDialect, tz: dt.tzinfo) -> str:
    """One value as CSV text: dates in ISO form (every Excel reads them), times in `tz` to the
    minute, amounts with two places, text neutralised."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return _local(value, tz).strftime("%Y-%m-%d %H:%M")
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
        return neutralise(value) if value else None
    return value


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
                cells.append(value)
        sheet.append(cells)
    workbook.save(target)


def _letter(index: int) -> str:
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
