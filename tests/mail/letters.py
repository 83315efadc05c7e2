"""Mail for the filing tests: real MIME bytes built with the standard library, as a mail program
would send them, and the people they are meant for, made through the real actions."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from PIL import Image

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.models import Company, DetailKind, Person


def letter(*, sender: str = "Anna Berger <anna@berger.example>", to: str = "", cc: str = "",
           subject: str = "Angebot Relaunch", text: str = "Guten Tag,\nanbei das Angebot.\n",
           html: str | None = None, message_id: str | None = None, date: dt.datetime | None = None,
           attachments: Sequence[tuple[str, str, bytes]] = (), headers: dict[str, str] | None = None) -> bytes:
    """A message as bytes; `attachments` are (file name, content type, data)."""
    message = EmailMessage()
    message["From"] = sender
    if to:
        message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(date or dt.datetime(2026, 11, 3, 9, 30, tzinfo=dt.UTC))
    message["Message-ID"] = message_id or make_msgid(domain="berger.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def forward(inner: bytes, *, sender: str, to: str, text: str = "Siehe unten.\n") -> bytes:
    """A colleague's forward of `inner`, attached whole (message/rfc822), as Thunderbird and Apple
    Mail send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Fwd: forwarded"
    message["Date"] = format_datetime(dt.datetime(2026, 11, 4, 8, 0, tzinfo=dt.UTC))
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content(text)
    message.add_attachment(message_from_bytes(inner, policy=policy.default))
    return message.as_bytes()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def person(persona, first: str, last: str, email: str = "", company: Company | None = None,  # noqa: ANN001
           former: bool = False) -> Person:
    details = Details(contact=[DetailData(DetailKind.EMAIL, email)] if email else [],
                      positions=[PositionData(company, is_former=former)] if company else [])
    return contact_actions.create_person(persona.membership, {"first_name": first, "last_name": last}, details)


def company(persona, name: str, email: str = "") -> Company:  # noqa: ANN001
    details = Details(contact=[DetailData(DetailKind.EMAIL, email)] if email else [])
    return contact_actions.create_company(persona.membership, {"name": name}, details)
