"""Turning a read table (with its column mapping) or vCards into `ContactRow` values, each with
its verdict: the errors that keep it out of the import, the warnings about what was left out.

Pure: values are checked here against the same rules contacts.actions applies (field lengths,
contact details through clean_detail), so a row that passes here is not refused later.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kontor.contacts.actions import AddressData, DetailData
from kontor.contacts.validation import clean_detail
from kontor.transfer.columns import ADDRESS_PARTS, DETAIL_KINDS, ImportField, field_by_key
from kontor.transfer.tables import Cell, Table, collection_paused
from kontor.transfer.values import (
    ValueProblem,
    cell_text,
    parse_date,
    parse_gender,
    slash_order,
    split_full_name,
    split_salutation,
    split_tags,
    yearless_date,
)
from kontor.transfer.vcard import Card

# Model field lengths (kontor/contacts/models.py, kontor/records/models.py).
MAX_LENGTHS = {
    "title": 60, "first_name": 100, "last_name": 100, "language": 35, "name": 200, "company": 200,
    "job_title": 150, "department": 150, "street": 200, "zip": 20, "city": 100, "state": 100,
    "country": 100, "tag": 60,
}


# Rows worked out at a time with the cycle collector held back (see collection_paused): enough
# to keep it from starting over and over, few enough that the caller gets rows early.
BATCH_ROWS = 1000


@dataclass
class ContactRow:
    number: int
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    company: str = ""
    job_title: str = ""
    department: str = ""
    details: list[DetailData] = field(default_factory=list)
    addresses: list[AddressData] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    responsible: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    photo: bytes | None = None
    photo_type: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)
    # (column or field, message) about values left out while the row itself is imported.
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def display_name(self) -> str:
        """The name the import report shows for the row."""
        if self.kind == "company":
            return str(self.fields.get("name", ""))
        return " ".join(part for part in (self.fields.get("first_name", ""), self.fields.get("last_name", "")) if part)


EMPTY_FIELDS: dict[str, dict[str, Any]] = {
    "company": {"name": "", "background": ""},
    "person": {"salutation": "", "title": "", "first_name": "", "last_name": "", "gender": "", "language": "",
               "background": "", "birthday": None},
}


def _new_row(number: int, kind: str) -> ContactRow:
    return ContactRow(number=number, kind=kind, fields=dict(EMPTY_FIELDS[kind]))


def _too_long(where: str, value: str, limit: int) -> tuple[str, str]:
    return where, _("“%(value)s…” is longer than the %(limit)s characters this field holds.") % {
        "value": value[:30], "limit": limit}


def _lines(text: str) -> str:
    """A value written over several lines ("Gartenweg 5\nHinterhaus") as one: "Gartenweg 5, Hinterhaus"."""
    return ", ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _add_detail(row: ContactRow, where: str, kind: str, value: str, label: str) -> None:
    try:
        stored, _normalized = clean_detail(kind, value)
    except ValidationError as error:
        row.errors.append((where, " ".join(error.messages)))
        return
    if not any(detail.kind == kind and detail.value == stored for detail in row.details):
        row.details.append(DetailData(kind=kind, value=stored, label=label))


EMAIL_SPLIT = re.compile(r"[;,\s]+|:::")
GOOGLE_SEPARATOR = " ::: "


def _emails(text: str) -> list[str]:
    """Several addresses in one cell ("a@x.de; b@y.de", Google's "a@x.de ::: b@y.de") are
    several addresses."""
    if text.count("@") > 1:
        return [part for part in EMAIL_SPLIT.split(text) if part]
    return [text]


def _is_exchange_address(text: str) -> bool:
    """Outlook exports colleagues from an Exchange directory with their internal X.500 name
    ("/o=ExchangeLabs/ou=…/cn=…") instead of an e-mail address."""
    lowered = text.lower()
    return lowered.startswith("/o=") or "/cn=" in lowered


def _phone_text(cell: Cell) -> str:
    """A phone number stored as a number has lost its leading zero (or "+"): 1712345678 is
    0171 2345678 as written, 4989123456 was +49 89 123456."""
    text = cell_text(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool) and text.isdigit():
        return f"+{text}" if text.startswith("49") and len(text) >= 10 else f"0{text}"
    return text


def _detail_kind_and_label(kind: str, label: str, type_text: str) -> tuple[str, str]:
    """Google puts the kind of a number or address in a neighbouring "… - Type" column
    ("Mobile", "Work Fax", "* Home")."""
    words = type_text.lower().replace("*", " ")
    if not words.strip():
        return kind, label
    if kind in ("phone", "mobile", "fax"):
        if "fax" in words:
            kind = "fax"
        elif any(word in words for word in ("mobile", "mobil", "cell", "handy", "iphone")):
            kind = "mobile"
    if any(word in words for word in ("home", "privat", "personal")):
        label = "private"
    elif any(word in words for word in ("work", "arbeit", "geschäft", "business", "büro")):
        label = "work"
    elif any(word in words for word in ("other", "sonstig", "weitere", "custom")):
        label = "other"
    return kind, label


def _type_columns(header: Sequence[str]) -> dict[int, int]:
    """For columns like "Phone 1 - Value" or "Address 1 - City", the column index of their
    "Phone 1 - Type"/"Address 1 - Label" neighbour."""
    positions = {text.strip().lower(): index for index, text in enumerate(header)}
    found: dict[int, int] = {}
    for index, text in enumerate(header):
        prefix, dash, _rest = text.strip().lower().rpartition(" - ")
        if not dash:
            continue
        for word in ("type", "label"):
            neighbour = positions.get(f"{prefix} - {word}")
            if neighbour is not None and neighbour != index:
                found[index] = neighbour
                break
    return found


@dataclass
class _Address:
    street: list[str] = field(default_factory=list)
    parts: dict[str, str] = field(default_factory=dict)
    type_text: str = ""


# One function per mapped column, chosen once per table from its field (`_reader_for`), so a row
# costs one call per filled cell instead of a chain of comparisons. Each gets the row being read,
# its column, the cell, the cell as text (stripped, never empty) and the text of the column's
# "… - Type" neighbour.
_Reader = Callable[["_Reading", "_Column", Cell, str, str], None]


@dataclass(frozen=True)
class _Column:
    """A mapped column, worked out once per table rather than once per row."""

    index: int
    base: str  # the key without its label: "phone" of "phone:private"
    label: str
    header: str
    type_index: int  # the "… - Type" neighbour, or -1
    read: _Reader = field(default=lambda *_args: None, compare=False)


class _Reading:
    """One row while its cells are read, with what is settled only after the last cell."""

    __slots__ = ("addresses", "birthday_parts", "full_name", "row", "table")

    def __init__(self, row: ContactRow, table: _TableContext) -> None:
        self.row = row
        self.table = table
        self.addresses: dict[str, _Address] = {}
        self.birthday_parts: dict[str, tuple[str, str]] = {}
        self.full_name = ""


@dataclass
class _TableContext:
    """What holds for every row of one table: the slash order of its dates, today's date, and
    the answers for values that repeat from row to row ("Herr", "Frau", "Kunde; Messe")."""

    order: str | None
    today: datetime.date
    salutations: dict[str, tuple[str, str]] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)


def rows_from_table(table: Table, mapping: Sequence[str | None], kind: str,
                    custom_fields: dict[str, str] | None = None) -> Iterator[ContactRow]:
    """One ContactRow per data row with any mapped value (rows with nothing mapped are skipped
    silently), in file order, numbered like the file.

    Unmapped columns are never looked at: the mapped cells of a row are taken in one step
    (itemgetter) and each goes to the reader its column was given when the table was opened."""
    fields = field_by_key(kind, custom_fields)
    type_columns = _type_columns(table.header)
    columns = []
    for index, key in enumerate(mapping):
        if key and index < len(table.header) and (key in fields or key.startswith("custom:")):
            base, _colon, label = key.partition(":")
            columns.append(_Column(index, base, label or "work", table.header[index] or f"#{index + 1}",
                                   type_columns.get(index, -1), _reader_for(base)))
    if not columns:
        return
    birthday_columns = [column.index for column in columns if column.base == "birthday"]
    order = slash_order(row[index] for row in table.rows for index in birthday_columns) if birthday_columns else None
    context = _TableContext(order=order, today=datetime.date.today())
    indices = [column.index for column in columns]
    mapped_cells = itemgetter(*indices) if len(indices) > 1 else (lambda cells: (cells[indices[0]],))
    numbers, lines = table.row_numbers, table.rows
    for start in range(0, len(lines), BATCH_ROWS):
        with collection_paused():
            batch = [_row_from_cells(number, cells, mapped_cells(cells), columns, kind, fields, context)
                     for number, cells in zip(numbers[start:start + BATCH_ROWS], lines[start:start + BATCH_ROWS],
                                              strict=True)]
        yield from (row for row in batch if row is not None)


def _row_from_cells(number: int, cells: list[Cell], mapped: Sequence[Cell], columns: list[_Column], kind: str,
                    fields: dict[str, ImportField], context: _TableContext) -> ContactRow | None:
    """The row of one line of the table, or None when none of its mapped cells holds anything."""
    reading: _Reading | None = None
    for column, cell in zip(columns, mapped, strict=True):
        if cell is None:
            continue
        if cell.__class__ is str:
            text = cell.strip()
            if not text:
                continue
        else:
            text = cell_text(cell)
        if reading is None:
            reading = _Reading(_new_row(number, kind), context)
        type_text = cell_text(cells[column.type_index]) if column.type_index >= 0 else ""
        try:
            column.read(reading, column, cell, text, type_text)
        except ValueProblem as problem:
            reading.row.errors.append((column.header, str(problem)))
    if reading is None:
        return None
    row = reading.row
    if reading.full_name:
        _fill_from_full_name(row, reading.full_name)
    if reading.birthday_parts:
        _birthday_from_parts(row, reading.birthday_parts)
    for address_label, parts in reading.addresses.items():
        _add_address(row, address_label, parts)
    _check(row, fields)
    return row


def _reader_for(base: str) -> _Reader:
    if base == "email":
        return _read_email
    if base in DETAIL_KINDS:
        return _read_detail
    if base in ADDRESS_PARTS:
        return _read_street if base == "street" else _read_address_part
    if base == "custom":
        return _read_custom
    return _FIELD_READERS.get(base, _read_field)


def _read_email(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    row, label = reading.row, column.label
    if type_text:
        _kind, label = _detail_kind_and_label("email", label, type_text)
    for address in _emails(text):
        if _is_exchange_address(address):
            row.warnings.append((column.header, _("“%(value)s” is an internal Exchange name, not an e-mail "
                                                  "address; it was left out.") % {"value": address}))
        else:
            _add_detail(row, column.header, "email", address, label)


def _read_detail(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    base, label = column.base, column.label
    if type_text:
        base, label = _detail_kind_and_label(base, label, type_text)
    value = _phone_text(cell) if cell.__class__ is not str and base in ("phone", "mobile", "fax") else text
    if GOOGLE_SEPARATOR in value:
        for part in value.split(GOOGLE_SEPARATOR):
            _add_detail(reading.row, column.header, base, part, label)
    else:
        _add_detail(reading.row, column.header, base, value, label)


def _address(reading: _Reading, column: _Column, type_text: str) -> _Address:
    collected = reading.addresses.get(column.label)
    if collected is None:
        collected = reading.addresses[column.label] = _Address()
    collected.type_text = collected.type_text or type_text
    return collected


def _read_street(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    _address(reading, column, type_text).street.append(_lines(text))


def _read_address_part(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    _address(reading, column, type_text).parts[column.base] = " ".join(text.split())


def _read_custom(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    reading.row.custom[column.label] = text


def _read_field(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    """Any other field, through `_apply_field`."""
    base = column.base
    reading.full_name = _apply_field(reading.row, base, cell, text, column.header, reading.table.order) \
        or reading.full_name
    if base.startswith("birthday_"):
        reading.birthday_parts[base] = (text, column.header)


def _read_plain(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    """first_name, last_name, language and name go into the fields as they are written."""
    reading.row.fields[column.base] = " ".join(text.split())


def _read_salutation(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    plain = " ".join(text.split())
    known = reading.table.salutations
    parts = known.get(plain)
    if parts is None:
        parts = known[plain] = split_salutation(plain)  # raises ValueProblem, not kept, for a wrong one
    fields = reading.row.fields
    fields["salutation"] = parts[0] or fields["salutation"]
    fields["title"] = fields["title"] or parts[1]


def _read_birthday(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    row = reading.row
    if cell.__class__ is datetime.date:
        value: datetime.date | None = cell
    elif yearless := yearless_date(cell):
        row.warnings.append((column.header, _no_year(*yearless)))
        return
    else:
        value = parse_date(cell, reading.table.order, reading.table.today)
    if value is not None and value > reading.table.today:
        raise ValueProblem(_("“%(value)s” lies in the future; it cannot be a birthday.") % {"value": text})
    row.fields["birthday"] = value


def _read_tags(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    known = reading.table.tags
    tags = known.get(text)
    if tags is None:
        tags = known[text] = split_tags(text)
    row = reading.row
    if row.tags:
        taken = {tag.lower() for tag in row.tags}
        row.tags += [tag for tag in tags if tag.lower() not in taken]
    else:
        row.tags = list(tags)


def _read_company(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    reading.row.company = " ".join(text.split())


def _read_job_title(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    reading.row.job_title = " ".join(text.split())


def _read_department(reading: _Reading, column: _Column, cell: Cell, text: str, type_text: str) -> None:
    reading.row.department = " ".join(text.split())


_FIELD_READERS: dict[str, _Reader] = {
    "first_name": _read_plain, "last_name": _read_plain, "language": _read_plain, "name": _read_plain,
    "salutation": _read_salutation, "birthday": _read_birthday, "tags": _read_tags, "company": _read_company,
    "job_title": _read_job_title, "department": _read_department,
}


def _apply_field(row: ContactRow, base: str, cell: Cell, text: str, header: str, order: str | None) -> str:
    """Puts one non-detail value on the row; returns the text of a full-name column, which is
    used only when no first or last name column filled the name."""
    plain = " ".join(text.split())
    if base == "full_name":
        return plain
    if base == "salutation":
        salutation, title = split_salutation(plain)
        row.fields["salutation"] = salutation or row.fields["salutation"]
        row.fields["title"] = row.fields["title"] or title
    elif base == "title":
        # Outlook's English export calls the salutation "Title" ("Mr.", "Ms.", "Dr.").
        try:
            salutation, title = split_salutation(plain)
        except ValueProblem:
            salutation, title = "", plain
        row.fields["salutation"] = row.fields["salutation"] or salutation
        row.fields["title"] = title or row.fields["title"]
    elif base in ("first_name", "last_name", "language"):
        row.fields[base] = plain
    elif base == "name":
        row.fields["name"] = plain
    elif base == "gender":
        row.fields["gender"] = parse_gender(plain)
    elif base == "birthday":
        if yearless := yearless_date(cell):
            row.warnings.append((header, _no_year(*yearless)))
        else:
            row.fields["birthday"] = _checked_birthday(parse_date(cell, order), text)
    elif base == "background":
        note = text.strip()
        row.fields["background"] = f"{row.fields['background']}\n\n{note}" if row.fields["background"] else note
    elif base == "company":
        row.company = plain
    elif base == "job_title":
        row.job_title = plain
    elif base == "department":
        row.department = plain
    elif base == "tags":
        row.tags += [tag for tag in split_tags(text) if tag.lower() not in {t.lower() for t in row.tags}]
    elif base == "responsible":
        row.responsible = plain
    return ""


def _no_year(month: int, day: int) -> str:
    return _("The birthday has no year (%(day)s.%(month)s.) and was left out.") % {
        "day": f"{day:02d}", "month": f"{month:02d}"}


def _checked_birthday(value: datetime.date | None, text: str) -> datetime.date | None:
    if value is not None and value > datetime.date.today():
        raise ValueProblem(_("“%(value)s” lies in the future; it cannot be a birthday.") % {"value": text})
    return value


def _fill_from_full_name(row: ContactRow, full_name: str) -> None:
    if row.kind != "person" or row.fields["last_name"]:
        return
    parts = split_full_name(full_name)
    if row.fields["first_name"] and not parts.first_name:
        parts.first_name = row.fields["first_name"]
    row.fields["last_name"] = parts.last_name
    row.fields["first_name"] = row.fields["first_name"] or parts.first_name
    row.fields["title"] = row.fields["title"] or parts.title
    row.fields["salutation"] = row.fields["salutation"] or parts.salutation


def _birthday_from_parts(row: ContactRow, parts: dict[str, tuple[str, str]]) -> None:
    """Thunderbird writes the birthday into three columns: year, month, day."""
    year_text, header = parts.get("birthday_year", ("", ""))
    month_text, month_header = parts.get("birthday_month", ("", ""))
    day_text, day_header = parts.get("birthday_day", ("", ""))
    where = header or month_header or day_header
    written = "-".join(part for part in (year_text, month_text, day_text) if part)
    if not (month_text and day_text):
        if written:
            row.errors.append((where, _("“%(value)s” is not a valid date.") % {"value": written}))
        return
    if not year_text:
        try:
            row.warnings.append((where, _no_year(int(month_text), int(day_text))))
        except ValueError:
            row.errors.append((where, _("“%(value)s” is not a valid date.") % {"value": written}))
        return
    try:
        birthday = datetime.date(int(year_text), int(month_text), int(day_text))
        row.fields["birthday"] = _checked_birthday(birthday, written)
    except ValueProblem as problem:
        row.errors.append((where, str(problem)))
    except ValueError:
        row.errors.append((where, _("“%(value)s” is not a valid date.") % {"value": written}))


def _add_address(row: ContactRow, label: str, address: _Address) -> None:
    if address.type_text:
        _kind, label = _detail_kind_and_label("address", label, address.type_text)
    street = ", ".join(line for line in address.street if line)
    parts = address.parts
    data = AddressData(label=label, street=street, zip=parts.get("zip", ""), city=parts.get("city", ""),
                       state=parts.get("state", ""), country=parts.get("country", ""))
    if street or data.zip or data.city or data.state or data.country:
        row.addresses.append(data)


def _label_of(fields: dict[str, ImportField], key: str, fallback: str | Promise) -> str:
    return str(fields[key].label) if key in fields else str(fallback)


def _check(row: ContactRow, fields: dict[str, ImportField]) -> None:
    """The rules a contact must meet to be stored: a name, and every value within its field."""
    if row.kind == "person":
        if not row.fields["last_name"]:
            row.errors.append((_label_of(fields, "last_name", _("Last name")), _("The last name is missing.")))
        checks = [("title", row.fields["title"]), ("first_name", row.fields["first_name"]),
                  ("last_name", row.fields["last_name"]), ("language", row.fields["language"]),
                  ("company", row.company), ("job_title", row.job_title), ("department", row.department)]
    else:
        if not row.fields["name"]:
            row.errors.append((_label_of(fields, "name", _("Company name")), _("The company name is missing.")))
        checks = [("name", row.fields["name"])]
    for address in row.addresses:
        checks += (("street", address.street), ("zip", address.zip), ("city", address.city),
                   ("state", address.state), ("country", address.country))
    checks += [("tag", tag) for tag in row.tags]
    for key, value in checks:
        limit = MAX_LENGTHS[key]
        if len(value) > limit:
            where = str(fields[key].label) if key in fields else (_("Tags") if key == "tag" else key)
            row.errors.append(_too_long(where, value, limit))


# --- cards ----------------------------------------------------------------------------------

CARD_GENDERS = {"m": "male", "f": "female", "o": "diverse", "n": "", "u": ""}


def rows_from_cards(cards: Sequence[Card]) -> Iterator[ContactRow]:
    """One ContactRow per card: a person, or a company when the card names only an organisation
    (or Apple marks it as one). The card's problems become the row's warnings."""
    fields = {kind: field_by_key(kind) for kind in ("person", "company")}
    # Translated once: asking for a translation costs a lookup of the active language each time.
    labels = {"card": _("Card"), "email": _("E-mail"), "phone": _("Phone"), "website": _("Website"),
              "messenger": _("Messenger")}
    for start in range(0, len(cards), BATCH_ROWS):
        with collection_paused():
            batch = [_row_from_card(card, fields, labels) for card in cards[start:start + BATCH_ROWS]]
        yield from batch


def _row_from_card(card: Card, fields_of_kind: dict[str, dict[str, ImportField]],
                   labels: dict[str, str]) -> ContactRow:
    kind = "company" if card.is_company else "person"
    row = _new_row(card.number, kind)
    fields = fields_of_kind[kind]
    card_problem = labels["card"]
    row.warnings += [(card_problem, problem) for problem in card.problems]
    if kind == "company":
        row.fields["name"] = " ".join(card.organization.split())
    else:
        _card_name(row, card)
        row.company = " ".join(card.organization.split())
        row.job_title = card.job_title or card.role
        row.department = card.department
        _card_person_fields(row, card)
    row.fields["background"] = card.note
    for detail in card.emails:
        _add_detail(row, labels["email"], "email", detail.value, detail.label)
    for detail in card.phones:
        _add_detail(row, labels["phone"], detail.kind, detail.value, detail.label)
    for detail in card.urls:
        _add_detail(row, labels["website"], "website", detail.value, detail.label)
    for detail in card.messengers:
        _add_detail(row, labels["messenger"], "messenger", detail.value, detail.label)
    for address in card.addresses:
        street = ", ".join(_lines(part) for part in (address.street, address.extended) if part.strip())
        if not street and address.po_box:
            street = address.po_box if not address.po_box.isdigit() else _("P.O. Box %(number)s") % {
                "number": address.po_box}
        data = AddressData(label=address.label if kind == "person" or address.label != "private" else "other",
                           street=street, zip=address.zip.strip(), city=address.city.strip(),
                           state=address.region.strip(), country=address.country.strip())
        if any((data.street, data.zip, data.city, data.state, data.country)):
            row.addresses.append(data)
    row.tags = list(dict.fromkeys(card.categories))
    row.photo, row.photo_type = card.photo, card.photo_type
    _check(row, fields)
    if row.errors and not card.formatted_name and not card.family_name and not card.organization:
        row.errors = [(card_problem, _("The card has no name."))] + [
            error for error in row.errors if error[0] != _label_of(fields, "last_name", "")]
    return row


def _card_name(row: ContactRow, card: Card) -> None:
    if card.family_name or card.given_name:
        row.fields["last_name"] = card.family_name
        row.fields["first_name"] = " ".join(part for part in (card.given_name, card.additional_names) if part)
        title_parts = []
        if card.prefix:
            try:
                salutation, title = split_salutation(card.prefix)
            except ValueProblem:
                salutation, title = "", card.prefix
            row.fields["salutation"] = salutation
            title_parts.append(title)
        title_parts.append(card.suffix)
        row.fields["title"] = " ".join(part for part in title_parts if part)
        if not card.family_name and card.formatted_name:
            parts = split_full_name(card.formatted_name)
            row.fields["last_name"] = parts.last_name if parts.first_name == card.given_name else ""
    elif card.formatted_name:
        parts = split_full_name(card.formatted_name)
        row.fields.update(salutation=parts.salutation, title=parts.title, first_name=parts.first_name,
                          last_name=parts.last_name)


def _card_person_fields(row: ContactRow, card: Card) -> None:
    if card.gender:
        gender = CARD_GENDERS.get(card.gender.strip().lower())
        if gender is None:
            try:
                gender = parse_gender(card.gender)
            except ValueProblem as problem:
                row.warnings.append((_("Gender"), str(problem)))
                gender = ""
        row.fields["gender"] = gender
    row.fields["language"] = card.language
    if card.birthday and card.birthday <= datetime.date.today():
        row.fields["birthday"] = card.birthday
    elif card.birthday:
        row.warnings.append((_("Birthday"), _("“%(value)s” lies in the future; it cannot be a birthday.")
                             % {"value": card.birthday.isoformat()}))
    if card.birthday_without_year:
        row.warnings.append((_("Birthday"), _no_year(*card.birthday_without_year)))
    if card.anniversary:
        row.warnings.append((_("Anniversary"), _("The anniversary (%(date)s) was not imported.")
                             % {"date": card.anniversary.strftime("%d.%m.%Y")}))
