"""Data for the export tests, made through the real actions, and a small vCard reader that
checks what the writer produced without trusting the writer's own code."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import AddressData, DetailData, Details, PositionData
from kontor.deals import actions as deal_actions
from kontor.projects import actions as project_actions


def png_upload(name: str = "photo.png", color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_company(persona, name: str = "Müller & Söhne GmbH", **extra):
    return contact_actions.create_company(persona.membership, {"name": name}, Details(
        contact=[DetailData("phone", "+49 30 1234567"), DetailData("website", "https://mueller.example")],
        addresses=[AddressData(street="Hauptstraße 1", zip="10115", city="Berlin", country="Deutschland")],
    ), **extra)


def make_person(persona, last_name: str = "Müller", first_name: str = "Jürgen", *, company=None,
                tags: tuple[str, ...] = (), email: str = "", **fields):
    local = re.sub(r"[^a-z0-9.]", "", f"{first_name}.{last_name}".lower().replace("ü", "ue")) or "someone"
    contact = [DetailData("email", email or f"{local}@example.com"),
               DetailData("phone", "+49 30 555 0100"), DetailData("mobile", "+49 171 2345678")]
    positions = [PositionData(company, job_title="Einkaufsleiter", department="Einkauf", is_primary=True)] \
        if company is not None else []
    return contact_actions.create_person(
        persona.membership, {"first_name": first_name, "last_name": last_name, **fields},
        Details(contact=contact, positions=positions,
                addresses=[AddressData(street="Königsallee 5", zip="40212", city="Düsseldorf")]),
        tags=list(tags))


def make_deal(persona, name: str = "Relaunch Webshop", *, value: str = "7500.50", company=None, people=()):
    return deal_actions.create_deal(persona.membership, {"name": name, "value": Decimal(value),
                                                         "target_date": dt.date(2027, 3, 31)},
                                    stage="50", company=company, people=list(people))


def make_project(persona, name: str = "Webshop 2027", *, company=None, people=()):
    return project_actions.create_project(persona.membership, {"name": name, "start_date": dt.date(2027, 1, 15)},
                                          company=company, people=list(people))


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def split_unescaped(value: str, separator: str) -> list[str]:
    """Splits at separators that are not escaped, then unescapes each part."""
    parts = re.split(r"(?<!\\)" + re.escape(separator), value)
    return [unescape(part) for part in parts]


def read_vcards(text: str) -> list[dict[str, list[tuple[str, str]]]]:
    """The cards of a .vcf as {property name: [(parameters, raw value), ...]}, after unfolding."""
    assert "\n" not in text.replace("\r\n", ""), "vCard lines must end in CRLF"
    unfolded = text.replace("\r\n ", "")
    cards: list[dict[str, list[tuple[str, str]]]] = []
    card: dict[str, list[tuple[str, str]]] | None = None
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        head, _colon, value = line.partition(":")
        name, _semicolon, params = head.partition(";")
        if name == "BEGIN":
            card = {}
        elif name == "END":
            assert card is not None
            cards.append(card)
            card = None
        else:
            assert card is not None, line
            card.setdefault(name.upper(), []).append((params, value))
    return cards
