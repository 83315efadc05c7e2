"""Mail that arrives for a persona and matches nobody, through the real intake and filing job:
the way the inbox tests (pages, actions, API) fill an inbox."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from kontor.mail import filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail


def message(sender: str = "Anna Berger <anna.berger@kunde.example>", subject: str = "Anfrage Relaunch",
            text: str = "Guten Tag,\nwir hätten gern ein Angebot für den Relaunch.\n\nViele Grüße\nAnna Berger",
            to: str = "alice@example.com", attachments: tuple[tuple[str, bytes], ...] = (),
            message_id: str | None = None) -> bytes:
    letter = EmailMessage()
    letter["From"] = sender
    letter["To"] = to
    letter["Subject"] = subject
    letter["Date"] = formatdate(localtime=True)
    letter["Message-ID"] = message_id or make_msgid(domain="kunde.example")
    letter.set_content(text)
    for name, data in attachments:
        letter.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(letter)


def arrive(persona: Any, raw: bytes | None = None, **headers: Any) -> InboundMail:
    """A message received at the persona's dropbox and filed by the job (as the worker would)."""
    [inbound] = intake.receive(raw or message(**headers), [dropbox_for(persona.membership).address], "smtp")
    filing.file_inbound(inbound)
    inbound.refresh_from_db()
    return inbound
