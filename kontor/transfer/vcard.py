"""Reading vCard files (2.1, 3.0, 4.0) into plain `Card` values.

Written here rather than taken from vobject: Outlook's 2.1 cards (quoted-printable with soft line
breaks and a CHARSET, bare TYPE parameters, base64 blocks) and the broken cards found in the
wild need per-card problems instead of exceptions that lose the whole file. A card keeps
whatever could be read; what could not goes into `Card.problems` as a translated sentence.

The reader, in steps:
1. Bytes to lines (CRLF, LF or CR); UTF-16 files are turned into UTF-8 first.
2. Lines unfolded: a line starting with a space or tab continues the previous one; a
   quoted-printable value ending in "=" continues on the next line (2.1 soft line break); a
   base64 value continues on lines that hold only base64 characters.
3. Each logical line split into group, name, parameters and value; the value decoded
   (quoted-printable, then its CHARSET, else UTF-8, else Windows-1252).
4. BEGIN:VCARD/END:VCARD collect lines into cards; lines outside cards are skipped.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import quopri
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kontor.transfer.tables import UnreadableFile, collection_paused

MAX_PHOTO_BYTES = 5 * 1024 * 1024
CARD_EDGES = (b"B", b"b", b"E", b"e")
BASE64_LINE = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
LINE_BREAK = re.compile(rb"\r\n|\n|\r")
IMAGE_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
MESSENGER_PROPERTIES = {"IMPP", "X-SKYPE", "X-SKYPE-USERNAME", "X-AIM", "X-JABBER", "X-ICQ", "X-MSN", "X-YAHOO",
                        "X-GOOGLE-TALK", "X-GTALK", "X-TWITTER", "X-MS-IMADDRESS"}


@dataclass
class CardDetail:
    """An e-mail address, phone number, website or messenger handle with its label."""

    value: str
    kind: str  # "email", "phone", "mobile", "fax", "website", "messenger"
    label: str = "work"  # "work", "private", "other"
    is_preferred: bool = False


@dataclass
class CardAddress:
    label: str = "work"
    po_box: str = ""
    extended: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    zip: str = ""
    country: str = ""


@dataclass
class Card:
    number: int  # 1-based position in the file
    version: str = ""
    formatted_name: str = ""
    family_name: str = ""
    given_name: str = ""
    additional_names: str = ""
    prefix: str = ""
    suffix: str = ""
    nickname: str = ""
    organization: str = ""
    department: str = ""
    job_title: str = ""
    role: str = ""
    emails: list[CardDetail] = field(default_factory=list)
    phones: list[CardDetail] = field(default_factory=list)
    urls: list[CardDetail] = field(default_factory=list)
    messengers: list[CardDetail] = field(default_factory=list)
    addresses: list[CardAddress] = field(default_factory=list)
    birthday: datetime.date | None = None
    # (month, day) of a birthday written without a year (--0317), which a date field cannot hold.
    birthday_without_year: tuple[int, int] | None = None
    anniversary: datetime.date | None = None
    note: str = ""
    categories: list[str] = field(default_factory=list)
    photo: bytes | None = None
    photo_type: str = ""
    gender: str = ""  # as written: vCard 4.0 M/F/O/N/U or X-GENDER's words
    language: str = ""
    shows_as_company: bool = False  # Apple's X-ABShowAs:COMPANY or vCard 4.0's KIND:org
    problems: list[str] = field(default_factory=list)

    @property
    def has_person_name(self) -> bool:
        """Whether the card names a person, not only an organisation (Google and Outlook put the
        company's name into FN for company cards)."""
        if self.family_name or self.given_name:
            return True
        return bool(self.formatted_name) and self.formatted_name.strip() != self.organization.strip()

    @property
    def is_company(self) -> bool:
        return bool(self.organization) and (self.shows_as_company or not self.has_person_name)


@dataclass
class Property:
    group: str
    name: str
    params: dict[str, list[str]]
    types: set[str]  # upper-cased TYPE values, including 2.1's bare parameters
    value: str
    raw: bytes  # the value's bytes before decoding, for base64


# --- lines --------------------------------------------------------------------------------


def _to_lines(data: bytes) -> list[bytes]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:200].count(b"\x00") > 50:  # UTF-16 without a BOM
        little = data[1::2].count(0) > data[0::2].count(0)
        data = data.decode("utf-16-le" if little else "utf-16-be", errors="replace").encode("utf-8")
    return LINE_BREAK.split(data)


def _head(line: bytes) -> bytes:
    """The part before the value (name and parameters), upper-cased."""
    colon = line.find(b":")
    return line[:colon].upper() if colon >= 0 else b""


def _unfold(lines: list[bytes]) -> list[bytes]:
    logical: list[bytes] = []
    quoted_printable = False
    base64_open = False
    for line in lines:
        if logical and line[:1] in (b" ", b"\t"):
            if quoted_printable and logical[-1].endswith(b"="):
                logical[-1] = logical[-1][:-1] + line.lstrip(b" \t")
            else:
                logical[-1] += line[1:]
            continue
        if logical and quoted_printable and logical[-1].endswith(b"="):
            logical[-1] = logical[-1][:-1] + line
            continue
        if logical and base64_open and line and b":" not in line and BASE64_LINE.match(line):
            logical[-1] += line.strip()
            continue
        if not line.strip():
            base64_open = quoted_printable = False
            continue
        logical.append(line)
        head = _head(line)
        quoted_printable = b"QUOTED-PRINTABLE" in head
        base64_open = b"BASE64" in head or b"ENCODING=B" in head
    return logical


# --- properties ---------------------------------------------------------------------------


def _split(value: str, separator: str, unescape: bool = True) -> list[str]:
    """Splits on separators not escaped with a backslash, unescaping each part (or keeping the
    escapes, for parts that are split again: a name part may be a comma-separated list)."""
    if "\\" not in value:
        return value.split(separator)
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            if unescape:
                current.append("\n" if char in "nN" else char)
            else:
                current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    return _split(value, "\x00")[0]


def _decode(raw: bytes, charset: str | None) -> str:
    """UTF-8 first, strictly, since valid UTF-8 is almost never meant as anything else; then the
    declared CHARSET; then Windows-1252, what Outlook writes without saying so."""
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# What a property's head ("TEL;TYPE=CELL;TYPE=pref") says: group, name, parameters, types, encoding, charset.
_Head = tuple[str, str, dict[str, list[str]], set[str], str, str]


def _parse_line(line: bytes, heads: dict[str, _Head] | None = None) -> Property | None:
    """One logical line as a Property. `heads` remembers the heads already read in this file:
    the same few ("TEL;WORK;VOICE", "item1.EMAIL;type=INTERNET") come back on every card."""
    colon = line.find(b":")
    if colon < 0:
        return None
    if line.find(b'"', 0, colon) >= 0:
        quoted = False
        for position, byte in enumerate(line):
            if byte == 0x22:
                quoted = not quoted
            elif byte == 0x3A and not quoted:
                colon = position
                break
    head = line[:colon].decode("latin-1")
    raw = line[colon + 1:]
    parsed = heads.get(head) if heads is not None else None
    if parsed is None:
        parsed = _parse_head(head)
        if heads is not None:
            heads[head] = parsed
    group, name, params, types, encoding, charset = parsed
    if encoding == "QUOTED-PRINTABLE":
        raw = quopri.decodestring(raw)
    value = "" if encoding in ("B", "BASE64") or "BASE64" in types else _decode(raw, charset)
    # Each property gets its own dict and set (the lists inside are only ever read).
    return Property(group=group, name=name, params=params.copy(), types=types.copy(), value=value, raw=raw)


def _parse_head(head: str) -> _Head:
    name_part, *param_parts = head.split(";")
    group, _dot, name = name_part.rpartition(".")
    params: dict[str, list[str]] = {}
    types: set[str] = set()
    for part in param_parts:
        key, equals, text = part.partition("=")
        if not equals:  # vCard 2.1: "TEL;WORK;VOICE:"
            key, text = "TYPE", key
        key = key.strip().upper()
        values = [value.strip().strip('"') for value in text.split(",")]
        params.setdefault(key, []).extend(values)
        if key == "TYPE":
            types.update(value.upper() for value in values if value)
    encoding = (params.get("ENCODING") or [""])[0].upper()
    if "QUOTED-PRINTABLE" in types:
        encoding = "QUOTED-PRINTABLE"
    charset = (params.get("CHARSET") or [""])[0]
    return group.upper(), name.strip().upper(), params, types, encoding, charset


# --- labels -------------------------------------------------------------------------------

APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
PRIVATE_WORDS = ("home", "privat", "personal", "persönlich", "zuhause")
WORK_WORDS = ("work", "arbeit", "büro", "buero", "office", "geschäft", "dienst", "firma", "business")


def _label_from_text(text: str) -> str:
    text = text.lower()
    if any(word in text for word in PRIVATE_WORDS):
        return "private"
    if any(word in text for word in WORK_WORDS):
        return "work"
    return "other"


def _label(prop: Property, group_labels: dict[str, str]) -> str:
    if prop.group and prop.group in group_labels:
        return _label_from_text(group_labels[prop.group])
    if "HOME" in prop.types:
        return "private"
    if "WORK" in prop.types:
        return "work"
    if "OTHER" in prop.types:
        return "other"
    return "work"


def _phone_kind(prop: Property, group_labels: dict[str, str]) -> str:
    words = set(prop.types)
    if prop.group in group_labels:
        words.add(group_labels[prop.group].upper())
    if words & {"CELL", "MOBILE", "IPHONE", "MOBIL", "HANDY"}:
        return "mobile"
    if words & {"FAX", "HOME FAX", "WORK FAX", "OTHER FAX"} or any("FAX" in word for word in words):
        return "fax"
    return "phone"


# --- values -------------------------------------------------------------------------------


def _birthday(text: str, prop: Property, card: Card) -> None:
    text = text.strip()
    omit_year = (prop.params.get("X-APPLE-OMIT-YEAR") or [""])[0]
    date_part = text.split("T")[0] if not text.startswith("--") else text
    match = re.match(r"^--(\d{2})-?(\d{2})$", date_part)
    if match:
        card.birthday_without_year = (int(match.group(1)), int(match.group(2)))
        return
    match = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})$", date_part)
    if match:
        year, month, day = (int(group) for group in match.groups())
        if omit_year and omit_year == match.group(1) or year < 1800:
            card.birthday_without_year = (month, day)
            return
        try:
            card.birthday = datetime.date(year, month, day)
            return
        except ValueError:
            pass
    if text:
        card.problems.append(_("The birthday “%(value)s” is not a date and was left out.") % {"value": text})


def _photo(prop: Property, card: Card) -> None:
    raw = prop.raw.strip()
    media = ""
    if raw[:5].lower() == b"data:":
        header, _comma, payload = raw.partition(b",")
        media = header[5:].split(b";")[0].decode("ascii", "replace")
        if b";base64" not in header.lower():
            card.problems.append(_("The photo could not be read and was left out."))
            return
        raw = payload
    elif not (prop.params.get("ENCODING") or "BASE64" in prop.types):
        card.problems.append(_("The photo is only a link to another website and was not loaded."))
        return
    if len(raw) > MAX_PHOTO_BYTES * 4 // 3 + 16:
        card.problems.append(_("The photo is larger than 5 MB and was left out."))
        return
    try:
        photo = base64.b64decode(re.sub(rb"\s+", b"", raw) + b"==", validate=False)
    except (binascii.Error, ValueError):
        card.problems.append(_("The photo could not be read and was left out."))
        return
    sniffed = next((kind for magic, kind in IMAGE_TYPES.items() if photo.startswith(magic)), "")
    if not sniffed:
        card.problems.append(_("The photo could not be read and was left out."))
        return
    card.photo = photo
    card.photo_type = sniffed or media


def _text_list(value: str, separator: str = ",") -> list[str]:
    return [part.strip() for part in _split(value, separator) if part.strip()]


def _apply(card: Card, prop: Property, group_labels: dict[str, str]) -> None:
    name, value = prop.name, prop.value
    if name == "VERSION":
        card.version = value.strip()
    elif name == "FN":
        card.formatted_name = _unescape(value).strip()
    elif name == "N":
        parts = [" ".join(_text_list(part)) for part in _split(value, ";", unescape=False)] + [""] * 5
        card.family_name, card.given_name, card.additional_names, card.prefix, card.suffix = (
            part.strip() for part in parts[:5])
    elif name == "NICKNAME":
        card.nickname = ", ".join(_text_list(value))
    elif name == "ORG":
        parts = [part.strip() for part in _split(value, ";")]
        card.organization = parts[0] if parts else ""
        card.department = ", ".join(part for part in parts[1:] if part)
    elif name == "TITLE":
        card.job_title = _unescape(value).strip()
    elif name == "ROLE":
        card.role = _unescape(value).strip()
    elif name == "EMAIL":
        if value.strip():
            card.emails.append(CardDetail(_unescape(value).strip(), "email", _label(prop, group_labels),
                                          "PREF" in prop.types or "PREF" in prop.params))
    elif name == "TEL":
        number = _unescape(value).strip()
        if number.lower().startswith("tel:"):
            number, _semicolon, extension = number[4:].partition(";ext=")
            number = f"{number} ext. {extension}" if extension else number
        if number:
            card.phones.append(CardDetail(number, _phone_kind(prop, group_labels), _label(prop, group_labels),
                                          "PREF" in prop.types or "PREF" in prop.params))
    elif name == "ADR":
        parts = [part.strip() for part in _split(value, ";")] + [""] * 7
        address = CardAddress(_label(prop, group_labels), *parts[:7])
        if any(parts[:7]):
            card.addresses.append(address)
    elif name == "URL":
        if value.strip():
            card.urls.append(CardDetail(_unescape(value).strip(), "website", _label(prop, group_labels)))
    elif name in MESSENGER_PROPERTIES:
        handle = _unescape(value).strip()
        if handle:
            card.messengers.append(CardDetail(handle, "messenger", _label(prop, group_labels)))
    elif name == "BDAY":
        _birthday(value, prop, card)
    elif name in ("ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY"):
        match = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})", value.strip())
        if match:
            with contextlib.suppress(ValueError):
                card.anniversary = datetime.date(*(int(group) for group in match.groups()))
    elif name == "NOTE":
        # Outlook's quoted-printable notes carry Windows line ends (=0D=0A): stored as plain \n.
        note = _unescape(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        card.note = f"{card.note}\n\n{note}" if card.note and note else (card.note or note)
    elif name == "CATEGORIES":
        card.categories += [tag for tag in _text_list(value) if tag not in card.categories]
    elif name in ("PHOTO", "LOGO") and card.photo is None:
        _photo(prop, card)
    elif name == "X-ABSHOWAS":
        card.shows_as_company = value.strip().upper() == "COMPANY"
    elif name == "KIND":
        card.shows_as_company = value.strip().lower() in ("org", "organization")
    elif name in ("GENDER", "X-GENDER"):
        card.gender = _split(value, ";")[0].strip()
    elif name == "LANG":
        card.language = card.language or value.strip()


def _build_card(number: int, properties: list[Property]) -> Card:
    card = Card(number=number)
    group_labels: dict[str, str] = {}
    for prop in properties:
        if prop.name == "X-ABLABEL" and prop.group:
            text = _unescape(prop.value).strip()
            match = APPLE_LABEL.match(text)
            group_labels[prop.group] = match.group(1) if match else text
    for prop in properties:
        _apply(card, prop, group_labels)
    return card


def parse_vcards(data: bytes) -> list[Card]:
    """Every card in a vCard file, in file order. A damaged card keeps what could be read and says
    what went wrong in `problems`; UnreadableFile only when the file holds no card at all."""
    if not data.strip():
        raise UnreadableFile(_("This file is empty."))
    with collection_paused():  # a file of cards is many small objects that all stay alive
        cards = _read_cards(data)
    if not cards:
        raise UnreadableFile(_("This file contains no contact cards (vCard)."))
    return cards


def _read_cards(data: bytes) -> list[Card]:
    cards: list[Card] = []
    properties: list[Property] | None = None
    nested = 0
    heads: dict[str, _Head] = {}
    for line in _unfold(_to_lines(data)):
        # Only lines starting with B or E can open or close a card; the others skip the look.
        head = _head(line) if line[:1] in CARD_EDGES else b""
        if head == b"BEGIN" and line[6:].strip().upper() == b"VCARD":
            if properties is not None:
                if properties and properties[-1].name == "AGENT" and not properties[-1].value.strip():
                    nested += 1
                    continue
                cards.append(_build_card(len(cards) + 1, properties))
                cards[-1].problems.append(_("The card does not end with END:VCARD; what was there is kept."))
            properties = []
            continue
        if head == b"END" and line[4:].strip().upper() == b"VCARD":
            if nested:
                nested -= 1
                continue
            if properties is not None:
                cards.append(_build_card(len(cards) + 1, properties))
            properties = None
            continue
        if properties is None or nested:
            continue  # junk before, between or after cards
        prop = _parse_line(line, heads)
        if prop is not None:
            properties.append(prop)
    if properties is not None:
        cards.append(_build_card(len(cards) + 1, properties))
        cards[-1].problems.append(_("The card does not end with END:VCARD; what was there is kept."))
    return cards
