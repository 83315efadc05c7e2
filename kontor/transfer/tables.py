"""Reading spreadsheets (xlsx, xls, ods) and delimited text (csv, txt) into a plain table.

Pure: bytes in, a `Table` out, or `UnreadableFile` with a message for the person who uploaded
the file. The format is told by the content first (a renamed file still reads) and the name
second. Zip-based files are checked for size and compression ratio before calamine opens them,
so a zip bomb is refused instead of filling the memory of a worker.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import gc
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    # Imported only when a sheet comes (see _read_workbook).
    from python_calamine import CalamineWorkbook

Cell = str | int | float | bool | datetime.date | datetime.datetime | datetime.time | None
# What calamine gives for a cell (CalamineSheet.to_python).
CalamineValue = int | float | str | bool | datetime.time | datetime.date | datetime.datetime | datetime.timedelta

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Limits for zip-based files (xlsx, ods): together they keep a hostile file below what one
# worker can hold, while real exports (a few MB of XML per 10,000 rows) stay far under them.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
RATIO_CHECK_FROM = 1024 * 1024
MAX_COLUMNS = 1_000
# An .xls encrypted with a password to open: the workbook's BOF record (BIFF8, globals) followed
# directly by FILEPASS. calamine only says it cannot read such a file.
XLS_FILEPASS = re.compile(rb"\x09\x08\x10\x00\x00\x06\x05\x00.{12}\x2f\x00", re.DOTALL)
HEADER_SEARCH_ROWS = 10


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Holds back Python's cycle collector while a file's cells are turned into rows.

    Reading allocates millions of small lists and objects that all stay alive, so the collector
    keeps starting and finds nothing: a quarter of the reading time. Only a bounded stretch of
    our own code runs inside (no caller code, no I/O); the collector's previous state comes back
    afterwards, and what was held back is collected then."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class UnreadableFile(ValueError):
    """str(error) is a user-facing, translated message saying why the file cannot be imported."""


@dataclass
class Table:
    """One sheet (or CSV file) as read: `header` holds the header cells as text ("" for an empty
    one) and is as wide as the widest row, so no cell is cut off; every row in `rows` has that
    width. `row_numbers[i]` is the 1-based row of `rows[i]` in the file, for the error report.
    `encoding` and `delimiter` are set for CSV/TXT only; `sheet_names` is empty for them."""

    sheet_names: list[str]
    sheet: str
    header: list[str]
    header_row: int
    rows: list[list[Cell]]
    row_numbers: list[int]
    encoding: str = ""
    delimiter: str = ""
    # Cells the reader changed on the way (e.g. a repaired double-encoded "MÃ¼ller"), for the report.
    notes: list[str] = field(default_factory=list)


def _not_readable() -> UnreadableFile:
    return UnreadableFile(
        _("Kontor cannot read this file as a spreadsheet (xlsx, xls, ods, csv, txt) or vCard (vcf)."))


def detect_format(data: bytes, filename: str) -> str:
    """"xlsx", "xls", "ods", "csv" or "vcf", told by the bytes and, where they allow several
    readings (text), by the file name. Raises UnreadableFile for empty, encrypted and unknown files."""
    if not data or not data.strip():
        raise UnreadableFile(_("This file is empty."))
    name = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise _password_protected()
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        raise _not_readable()
    if data.startswith(ZIP_MAGIC):
        return _zip_format(data)
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _looks_like_text(data[:4096]):
        head = _peek_text(data[:65536]).lstrip().upper()
        if head.startswith("BEGIN:VCARD") or (name == "vcf" and "BEGIN:VCARD" in head) \
                or ("\nBEGIN:VCARD" in head and "END:VCARD" in head):
            return "vcf"
        if name == "vcf":
            raise UnreadableFile(_("This file contains no contact cards (vCard)."))
        _refuse_markup(head)
        return "csv"
    raise _not_readable()


def _refuse_markup(head: str) -> None:
    """Web applications often export an HTML table named .xls, and old Excel saves "XML
    Spreadsheet 2003"; read as CSV either would give a table of tags, so both are refused
    with the way out."""
    start = head.lstrip("\ufeff").lstrip()[:2000].lower()
    if start.startswith("<") and ("urn:schemas-microsoft-com:office:spreadsheet" in start or "<workbook" in start):
        raise UnreadableFile(_("This is an Excel 2003 XML spreadsheet; open it in Excel or LibreOffice, save it as "
                               "xlsx and try again."))
    if start.startswith("<") and any(tag in start for tag in ("<html", "<table", "<!doctype html")):
        raise UnreadableFile(_("This file is a web page (HTML), even if its name says otherwise; open it in Excel "
                               "or LibreOffice, save it as xlsx and try again."))


def _password_protected() -> UnreadableFile:
    return UnreadableFile(_("This file is protected with a password; save it without one and try again."))


def _zip_format(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
                    raise UnreadableFile(_("Kontor cannot read Excel binary workbooks (xlsb); save the file "
                                           "as xlsx and try again."))
                return "xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise UnreadableFile(_("This file is damaged; Kontor cannot open it.")) from None
    raise _not_readable()


def _looks_like_text(sample: bytes) -> bool:
    """Text files have no NUL bytes (UTF-16 aside, caught by its BOM or its NUL pattern) and
    few control characters besides tab and line ends."""
    if not sample:
        return False
    if b"\x00" in sample:
        return _utf16_without_bom(sample) is not None
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 26))
    return controls <= len(sample) // 100


def _utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when every other byte is NUL (ASCII-range text in UTF-16)."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if half and odd >= half * 0.9 and even == 0:
        return "utf-16-le"
    if half and even >= half * 0.9 and odd == 0:
        return "utf-16-be"
    return None


def _peek_text(sample: bytes) -> str:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return sample.decode("utf-16", errors="ignore")
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return sample.decode(utf16, errors="ignore")
    return sample.decode("latin-1")


# --- spreadsheets ----------------------------------------------------------------------------


def check_zip(data: bytes) -> None:
    """Refuses a zip whose content would not fit the limits, before anything inflates it in full.

    1. At most MAX_MEMBERS members and MAX_UNCOMPRESSED bytes declared in total.
    2. No member over 1 MB that inflates more than MAX_RATIO times.
    3. Every member inflated as a stream, capped at its declared size: a member lying about its
       size fails its checksum here instead of inflating without bound in calamine.
    """
    too_big = UnreadableFile(_("This file unpacks to far more data than a contact list holds; Kontor does "
                               "not read it."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
                raise too_big
            for member in members:
                if member.file_size > RATIO_CHECK_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                    raise too_big
            for member in members:
                if member.flag_bits & 0x1:
                    raise _password_protected()
                with archive.open(member) as stream:
                    while stream.read(1 << 20):
                        pass
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError):
        raise UnreadableFile(_("This file is damaged; Kontor cannot open it.")) from None


def _read_workbook(data: bytes, file_format: str, sheet: str | None, max_rows: int) -> Table:
    import python_calamine

    if file_format in ("xlsx", "ods"):
        check_zip(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _password_protected() from None
    except Exception:  # calamine raises a handful of its own types for damaged files
        if file_format == "xls" and XLS_FILEPASS.search(data):
            raise _password_protected() from None
        raise UnreadableFile(_("This file is damaged; Kontor cannot open it.")) from None
    with workbook:
        names = list(workbook.sheet_names)
        if not names:
            raise UnreadableFile(_("This file has no sheets."))
        chosen = sheet if sheet is not None else _first_visible_sheet(workbook)
        if chosen not in names:
            raise UnreadableFile(_("This file has no sheet named “%(name)s”.") % {"name": chosen})
        try:
            worksheet = workbook.get_sheet_by_name(chosen)
            if worksheet.height > max_rows + HEADER_SEARCH_ROWS + 1 and worksheet.height > max_rows * 2:
                raise _too_many_rows(max_rows)
            with collection_paused():
                values = worksheet.to_python(skip_empty_area=False)
            merged = worksheet.merged_cell_ranges or []
        except UnreadableFile:
            raise
        except Exception:
            raise UnreadableFile(_("This file is damaged; Kontor cannot open it.")) from None
    with collection_paused():
        table = _table_from_cells(_cells(values), max_rows, merged)
    table.sheet_names = names
    table.sheet = chosen
    return table


def _first_visible_sheet(workbook: CalamineWorkbook) -> str:
    metadata = getattr(workbook, "sheets_metadata", None) or []
    for sheet in metadata:
        if str(sheet.visible).endswith("Visible") and str(sheet.typ).endswith("WorkSheet"):
            return str(sheet.name)
    return str(workbook.sheet_names[0])


def _cell(value: CalamineValue) -> Cell:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, datetime.timedelta):
        return str(value)
    return value


def _cells(values: Sequence[Sequence[CalamineValue]]) -> list[list[Cell]]:
    """calamine's rows as Cells, as `_cell` would give them (blank text None, durations as text),
    written out inline: a sheet of 50,000 rows holds close to a million cells, and a function
    call per cell was a third of the reading time. calamine gives exact types, no subclasses, so
    `type(value) is str` tells text (as fast as comparing `value.__class__`, and mypy narrows it)."""
    duration = datetime.timedelta
    return [[(value if value.strip() else None) if type(value) is str
             else (str(value) if isinstance(value, duration) else value)
             for value in row] for row in values]


def _too_many_rows(max_rows: int) -> UnreadableFile:
    return UnreadableFile(_("This file has more than %(limit)s rows; split it into smaller files and import them "
                            "one after the other.") % {"limit": f"{max_rows:,}".replace(",", ".")})


def _is_blank(row: list[Cell]) -> bool:
    return all(cell is None or cell == "" for cell in row)


def _filled(row: list[Cell]) -> int:
    return sum(1 for cell in row if cell is not None and cell != "")


def _header_index(cells: list[list[Cell]]) -> int | None:
    """The row holding the header: the first non-empty one, unless it is a lone title (one cell
    filled, as in "Kundenliste 2024" merged above the table) followed within a few rows by a
    row with more filled cells."""
    first = next((index for index, row in enumerate(cells) if not _is_blank(row)), None)
    if first is None:
        return None
    if _filled(cells[first]) == 1:
        for index in range(first + 1, min(len(cells), first + HEADER_SEARCH_ROWS)):
            if _filled(cells[index]) > 1:
                return index
    return first


def _table_from_cells(cells: list[list[Cell]], max_rows: int,
                      merged: Iterable[tuple[tuple[int, int], tuple[int, int]]] = ()) -> Table:
    """A Table from rows of cells: header found, merged header cells spread over the columns
    they cover, columns cut after the last one with a header or data, empty rows dropped."""
    index = _header_index(cells)
    if index is None:
        raise UnreadableFile(_("This file is empty."))
    header_cells = list(cells[index])
    for (top, left), (bottom, right) in merged:
        if top <= index <= bottom and left < len(header_cells):
            for column in range(left + 1, min(right + 1, MAX_COLUMNS)):
                while len(header_cells) <= column:
                    header_cells.append(None)
                if header_cells[column] is None:
                    header_cells[column] = header_cells[left]
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    width = _width(header_cells)
    for number, row in enumerate(cells[index + 1:], start=index + 2):
        if not any(row) and _is_blank(row):  # any() first: a C loop that stops at the first filled cell
            continue
        rows.append(row)
        numbers.append(number)
        if len(rows) > max_rows:
            raise _too_many_rows(max_rows)
        if len(row) > width:
            width = max(width, _width(row))
    width = min(width, MAX_COLUMNS)
    header = [_header_text(cell) for cell in header_cells[:width]]
    header += [""] * (width - len(header))
    for position, row in enumerate(rows):
        if len(row) != width:
            rows[position] = (row + [None] * (width - len(row)))[:width]
    return Table(sheet_names=[], sheet="", header=header, header_row=index + 1, rows=rows, row_numbers=numbers)


def _width(row: list[Cell]) -> int:
    for position in range(len(row) - 1, -1, -1):
        if row[position] is not None and row[position] != "":
            return position + 1
    return 0


def _header_text(cell: Cell) -> str:
    from kontor.transfer.values import cell_text

    return " ".join(cell_text(cell).split())


# --- delimited text --------------------------------------------------------------------------

# Letters and signs expected in contact data beyond ASCII; used to tell which 8-bit encoding
# a file without a BOM was written in.
EXPECTED_CHARACTERS = set(
    "äöüÄÖÜßéèêëàáâãåæçñíìîïóòôõøúùûýÿÉÈÊÀÁÂÇÑÍÓÔÕØÚÙÛÅÆœŒšŠžŽłŁčČřŘ"
    "€„“”‚‘’–—…•°§©®™«»²³µ½¼¾·¡¿× "
)
NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
COMMON_LETTERS = set("äöüÄÖÜßéèàç")
DOUBLE_ENCODED = re.compile("Ã[\u0080-\u00bf]|â€[\u0080-\u00bf\u2018-\u201e\u2020-\u2122]")
FALLBACK_ENCODINGS = ("cp1252", "mac_roman", "cp850")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file, or UnreadableFile when no encoding reads it cleanly.

    1. A byte-order mark decides (UTF-8, UTF-16); UTF-16 without one is told by its NUL bytes.
    2. Strict UTF-8: a file that decodes is UTF-8 (8-bit text with umlauts practically never is).
    3. Otherwise the 8-bit encodings German offices produce: Windows-1252 (Excel), Mac Roman,
       DOS (cp850). Each must decode without undefined bytes; of those that do, the one whose
       non-ASCII characters are letters and signs expected in names wins, Windows-1252 on ties.
       A file that reads as none of them is refused rather than imported as mojibake.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return _strict(data, utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, int, str, str] | None = None
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score, unusual = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, unusual, text, encoding)
    if best is None or best[1] * 4 > sum(len(run) for run in NON_ASCII_RUN.findall(best[2])):
        raise UnreadableFile(_("Kontor cannot tell the character encoding of this file; save it as "
                               "“CSV UTF-8” and try again."))
    return best[2], best[3]


def _plausibility(text: str) -> tuple[int, int]:
    """(score, unusual characters) of a decoding: umlauts and common accents count double,
    other expected characters once; characters unexpected in contact data, and accented letters
    following one another, five times against."""
    score = unusual = 0
    for run in NON_ASCII_RUN.findall(text):
        previous = " "
        for char in run:
            if previous.isalpha() and char.isalpha():
                # Western names rarely put two accented letters side by side; a wrong 8-bit
                # reading of Asian or Cyrillic text does so all the time.
                unusual += 1
                score -= 5
            elif char in COMMON_LETTERS:
                score += 2
            elif char in EXPECTED_CHARACTERS:
                score += 1
            else:
                unusual += 1
                score -= 5
            previous = char
    return score, unusual


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(_("This file claims to be %(encoding)s text but contains bytes that are not; save it "
                               "again as “CSV UTF-8” and try again.") % {"encoding": encoding.upper()}) from None


def repair_double_encoding(text: str) -> tuple[str, bool]:
    """Text that was UTF-8, read as Windows-1252 and saved as UTF-8 again shows "MÃ¼ller";
    when that pattern is there and the round trip back succeeds, the repaired text is returned."""
    if not DOUBLE_ENCODED.search(text):
        return text, False
    try:
        return text.encode("cp1252").decode("utf-8"), True
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, False


DELIMITERS = (";", ",", "\t", "|")


def sniff_delimiter(text: str) -> str:
    """The delimiter used by the first lines: of ; , tab and |, the one found the same number of
    times (at least once) on most of the first 20 records, counting only outside quotes; ties go
    to the one found more often. A single-column file gets ","."""
    lines = _sample_records(text, 20)
    best = (0, 0, ",")
    for delimiter in DELIMITERS:
        counts = [_count_outside_quotes(line, delimiter) for line in lines]
        if not counts or counts[0] == 0:
            continue
        consistent = sum(1 for count in counts if count == counts[0])
        score = (consistent, counts[0], delimiter)
        if score[:2] > best[:2]:
            best = score
    return best[2]


def _sample_records(text: str, limit: int) -> list[str]:
    records: list[str] = []
    current: list[str] = []
    quoted = False
    for line in text.splitlines():
        current.append(line)
        quoted ^= line.count('"') % 2 == 1
        if not quoted:
            if "".join(current).strip():
                records.append("\n".join(current))
            current = []
            if len(records) >= limit:
                break
    return records


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


# Kontor's exports (and other careful programs) put an apostrophe before a cell that starts like
# a spreadsheet formula, so that Excel shows "+49 89 …" as text instead of running it. Read back,
# the apostrophe goes again: an exported file imports unchanged.
_GUARDED_FORMULA = re.compile(r"'(?=[=+\-@\t\r])")


def _unguarded(value: str) -> str:
    return value[1:] if value[:1] == "'" and _GUARDED_FORMULA.match(value) else value


def _read_delimited(data: bytes, max_rows: int) -> Table:
    text, encoding = decode_text(data)
    text, repaired = repair_double_encoding(text)
    delimiter = ""
    first_line, _newline, rest = text.partition("\n")
    # Excel writes "sep=;" as the first line when asked to keep the delimiter with the file.
    if re.fullmatch(r'"?sep=(.)"?\r?', first_line.strip("\ufeff").strip(), re.IGNORECASE):
        delimiter = first_line.strip("\ufeff").strip().strip('"')[4]
        text = rest
        offset = 1
    else:
        offset = 0
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=False)
    cells: list[list[Cell]] = []
    try:
        for record in reader:
            cells.append([_unguarded(value) if value.strip() else None for value in record])
            if len(cells) > max_rows + HEADER_SEARCH_ROWS + 1 and len(cells) > max_rows * 2:
                raise _too_many_rows(max_rows)
    except csv.Error:
        raise _not_readable() from None
    table = _table_from_cells(cells, max_rows)
    if offset:
        table.header_row += offset
        table.row_numbers = [number + offset for number in table.row_numbers]
    table.encoding = encoding
    table.delimiter = delimiter
    if repaired:
        table.notes.append(_("Umlauts in this file had been garbled by an earlier conversion "
                             "(“MÃ¼ller”); Kontor repaired them."))
    return table


def read_table(data: bytes, filename: str, sheet: str | None = None, max_rows: int = 200_000) -> Table:
    """The table of a spreadsheet or CSV/TXT file: `sheet` (default: the first visible one), its
    header row and data rows with their row numbers in the file. Raises UnreadableFile for
    files that are not tables (a vCard included), damaged, encrypted, too big or without rows."""
    file_format = detect_format(data, filename)
    if file_format == "vcf":
        raise UnreadableFile(_("This is a vCard file, not a spreadsheet."))
    if file_format == "csv":
        table = _read_delimited(data, max_rows)
    else:
        table = _read_workbook(data, file_format, sheet, max_rows)
    if not any(table.header):
        raise UnreadableFile(_("This file is empty."))
    return table
