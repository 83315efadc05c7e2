"""vCard 3.0 for people and companies: one card per record, any number in one .vcf file.

Version 3.0 (RFC 2426) because it is what all three of Outlook, Apple Contacts and Google
Contacts import: Outlook reads neither 4.0 nor WebP images. So the stored WebP photo is sent as
a JPEG, and company cards carry Apple's `X-ABShowAs:COMPANY` so that they show as companies.

Text values escape backslash, comma, semicolon and line breaks; lines longer than 75 octets are
folded (CRLF and one space) between UTF-8 sequences, never inside one, so that a long "Müller" note
arrives whole. Cards are built from people and companies as `export.rows_of` loads them.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.db.models.fields.files import FieldFile
from PIL import Image, UnidentifiedImageError

from kontor.contacts.models import AddressLabel, Company, DetailKind, DetailLabel
from kontor.records.models import Kind
from kontor.transfer.export import Job

CRLF = "\r\n"
MAX_OCTETS = 75
CARDS_PER_PIECE = 50

EMAIL_TYPES = {DetailLabel.WORK: "INTERNET,WORK", DetailLabel.PRIVATE: "INTERNET,HOME"}
PHONE_TYPES = {
    DetailKind.PHONE: {DetailLabel.WORK: "WORK,VOICE", DetailLabel.PRIVATE: "HOME,VOICE"},
    DetailKind.MOBILE: {DetailLabel.WORK: "CELL", DetailLabel.PRIVATE: "CELL"},
    DetailKind.FAX: {DetailLabel.WORK: "WORK,FAX", DetailLabel.PRIVATE: "HOME,FAX"},
}
PHONE_FALLBACK = {DetailKind.PHONE: "VOICE", DetailKind.MOBILE: "CELL", DetailKind.FAX: "FAX"}
ADDRESS_TYPES = {AddressLabel.WORK: "WORK", AddressLabel.PRIVATE: "HOME", AddressLabel.INVOICE: "WORK,POSTAL",
                 AddressLabel.DELIVERY: "WORK,PARCEL"}


def escape(text: str) -> str:
    """A text value as vCard 3.0 writes it (RFC 2426, 4): \\ , ; and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """The content line folded to at most 75 octets per line (RFC 2425, 5.8.1): each further line
    starts with a space. A cut never falls inside a UTF-8 sequence (a byte 10xxxxxx continues one)."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line
    parts: list[bytes] = []
    start, room = 0, MAX_OCTETS
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0b1100_0000 == 0b1000_0000:
            cut -= 1
        parts.append(data[start:cut])
        start, room = cut, MAX_OCTETS - 1  # the leading space counts
    parts.append(data[start:])
    return (CRLF + " ").join(part.decode("utf-8") for part in parts)


def _property(name: str, value: str, raw: bool = False) -> str:
    return fold(f"{name}:{value if raw else escape(value)}")


def _structured(name: str, parts: Iterable[str]) -> str:
    return fold(f"{name}:{';'.join(escape(part) for part in parts)}")


def _typed(name: str, types: str) -> str:
    return f"{name};TYPE={types}" if types else name


def _contact_lines(obj: Any) -> list[str]:
    lines = []
    for detail in obj.export_details:
        if detail.kind == DetailKind.EMAIL:
            lines.append(_property(_typed("EMAIL", EMAIL_TYPES.get(detail.label, "INTERNET")), detail.value))
        elif detail.kind in PHONE_TYPES:
            types = PHONE_TYPES[detail.kind].get(detail.label, PHONE_FALLBACK[detail.kind])
            lines.append(_property(_typed("TEL", types), detail.value))
        elif detail.kind == DetailKind.WEBSITE:
            lines.append(_property("URL", detail.value))
        elif detail.kind == DetailKind.MESSENGER and ":" in detail.value:
            # IMPP (RFC 4770) takes a URI such as xmpp:name@host; a bare handle has no standard place.
            lines.append(_property("IMPP", detail.value))
    for address in obj.export_addresses:
        lines.append(_structured(_typed("ADR", ADDRESS_TYPES.get(address.label, "")),
                                 ["", "", address.street, address.city, address.state, address.zip,
                                  address.country]))
    return lines


def _common_tail(obj: Any, photo: bytes | None) -> list[str]:
    lines = []
    if obj.background:
        lines.append(_property("NOTE", obj.background))
    if obj.export_tags:
        lines.append(fold("CATEGORIES:" + ",".join(escape(name) for name in obj.export_tags)))
    if photo:
        lines.append(fold("PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(photo).decode("ascii")))
    return lines


def _card(lines: list[str]) -> str:
    return CRLF.join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"]) + CRLF


class PersonRow(Protocol):
    """What a person's card reads of a person as `export.rows_of` loads it, besides the contact
    lines and the tail every card has."""

    last_name: str
    first_name: str
    title: str
    birthday: dt.date | None
    export_job: Job | None  # export.primary_job

    @property
    def full_name(self) -> str: ...


def person_card(person: PersonRow, photo: bytes | None = None) -> str:
    """The person's card: name, primary job (ORG with department, TITLE), contact details,
    addresses, birthday, background as NOTE, tags as CATEGORIES and the photo (JPEG bytes)."""
    lines = [
        _structured("N", [person.last_name, person.first_name, "", person.title, ""]),
        _property("FN", person.full_name),
    ]
    job = person.export_job
    if job is not None:
        lines.append(_structured("ORG", [job.company_name, job.department] if job.department
                                 else [job.company_name]))
        if job.job_title:
            lines.append(_property("TITLE", job.job_title))
    lines += _contact_lines(person)
    if person.birthday is not None:
        lines.append(_property("BDAY", person.birthday.isoformat(), raw=True))
    return _card(lines + _common_tail(person, photo))


def company_card(company: Company, photo: bytes | None = None) -> str:
    """The company's card: Apple's convention of an empty N, the name as FN and ORG, and
    X-ABShowAs:COMPANY; contact details, addresses, background, tags and logo as for a person."""
    lines = [
        "N:;;;;",
        _property("FN", company.name),
        _structured("ORG", [company.name]),
        "X-ABShowAs:COMPANY",
        *_contact_lines(company),
    ]
    return _card(lines + _common_tail(company, photo))


def jpeg_photo(stored: FieldFile | None, quality: int = 85) -> bytes | None:
    """The stored photo (a WebP thumbnail) as JPEG bytes; None when there is none or its file is
    gone or unreadable: a missing photo must not stop an export."""
    if not stored:
        return None
    try:
        with stored.open("rb") as handle, Image.open(handle) as image:
            image.load()
            rgb = image.convert("RGB")  # JPEG has no transparency
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    buffer = io.BytesIO()
    rgb.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def card_of(kind: str, obj: Any, photos: bool = True) -> str:
    photo = jpeg_photo(obj.photo) if photos and obj.export_photo else None
    return person_card(obj, photo) if kind == Kind.PERSON else company_card(obj, photo)


def vcard_pieces(kind: str, rows: Iterable[Any], photos: bool = True) -> Iterator[bytes]:
    """The cards of all rows as UTF-8 pieces of one .vcf file, a few dozen cards at a time."""
    batch: list[str] = []
    for obj in rows:
        batch.append(card_of(kind, obj, photos))
        if len(batch) == CARDS_PER_PIECE:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")
