"""Finding who really wrote a forwarded mail.

A user forwards a customer's mail to their dropbox; the mail's own From is the user, but it belongs
with the customer. The original sender is read from an attached message (forward as attachment),
or from the header block that Outlook, Gmail, Apple Mail and Thunderbird put above the forwarded
text, in German and English."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message

from kontor.mail.headers import OUTLOOK_MAILTO, MailAddress, header_text, parse_addresses, parse_date

# How much of a body is searched for a forward block: forwards sit near the top, and the cap keeps
# a 1,000,000-character text from being walked line by line for nothing.
SEARCH_CHARS = 200_000


@dataclass
class ForwardedMail:
    sender: MailAddress | None
    to: list[MailAddress] = field(default_factory=list)
    cc: list[MailAddress] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None


# Lines that open a forwarded (or, for Outlook, an quoted original) message.
FORWARD_MARKER = re.compile(
    r"^-{2,}\s*(?:Forwarded message|Forwarded Message|Weitergeleitete Nachricht|Original-Nachricht"
    r"|Message transféré|Message transfere)\s*-{2,}\s*$"
    r"|^(?:Anfang der weitergeleiteten Nachricht|Begin forwarded message|Beginning of forwarded message)\s*:\s*$",
    re.IGNORECASE,
)
# Outlook's marker for both replies and forwards; it only counts as a forward when the subject is no reply.
ORIGINAL_MARKER = re.compile(
    r"^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Urspruengliche Nachricht)\s*-{2,}\s*$"
    r"|^_{10,}\s*$",
    re.IGNORECASE,
)
# The first prefix decides: "WG: AW: ..." forwards a reply, "AW: WG: ..." answers a forward.
FORWARD_SUBJECT = re.compile(r"\s*(?:fwd?|wg|wtrlt|tr|weitergeleitet)[ \t]*(?:\[\d+\][ \t]*)?:", re.IGNORECASE)
REPLY_SUBJECT = re.compile(r"\s*(?:re|aw|antw|sv)[ \t]*(?:\[\d+\][ \t]*)?:", re.IGNORECASE)
QUOTE_PREFIX = re.compile(r"^(?:\s*>)+\s?")
# Matched against a line without its leading whitespace. No two neighbouring parts can match the
# same characters, so a long line of spaces or stars costs one pass, not one per split of it.
HEADER_LINE = re.compile(
    r"(?:\*{1,2}[ \t]*)?(From|Von|Sent|Gesendet|Date|Datum|To|An|Cc|Kopie|Subject|Betreff|Reply-To|Antwort an"
    r"|Bcc|Importance|Wichtigkeit|Priorität|Attachments|Anlagen)[ \t]*(?:\*{1,2}[ \t]*)?:[ \t]*(.*)",
    re.IGNORECASE,
)
LABELS = {
    "from": "from", "von": "from",
    "sent": "date", "gesendet": "date", "date": "date", "datum": "date",
    "to": "to", "an": "to",
    "cc": "cc", "kopie": "cc",
    "subject": "subject", "betreff": "subject",
}
BOLD = re.compile(r"\*([^*<>\n]{1,200})\*")


def _header_line(line: str) -> re.Match[str] | None:
    return HEADER_LINE.match(line.lstrip()[:5000])


def is_forward_subject(subject: str) -> bool:
    return bool(FORWARD_SUBJECT.match(subject))


def find_inline_forward(text: str, subject: str, default_zone: timezone | None = None) -> ForwardedMail | None:
    """The forwarded mail described by the first forward header block in `text`, or None.

    1. A forward marker line ("---------- Forwarded message ---------", "Anfang der
       weitergeleiteten Nachricht:", ...) followed by a header block with From/Von wins.
    2. Outlook's "-----Original Message-----" (and its line of underscores) counts as well, unless
       the subject says the mail is a reply: a reply quoting its original is no forward.
    3. Without a marker, a Fwd:/WG:/Fw: subject and a header block with From/Von and at least one
       more header line is enough (newer Outlook writes no marker at all).
    Quote prefixes ("> ", as Apple Mail writes them) are ignored."""
    lines = [QUOTE_PREFIX.sub("", line) for line in text[:SEARCH_CHARS].split("\n")]
    is_reply = bool(REPLY_SUBJECT.match(subject))
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith(("-", "_", "A", "a", "B", "b")):
            continue
        if FORWARD_MARKER.match(stripped) or (ORIGINAL_MARKER.match(stripped) and not is_reply):
            block = _header_block(lines, index + 1)
            if block and "from" in block:
                return _forwarded(block, default_zone)
    if is_forward_subject(subject):
        for index, line in enumerate(lines):
            match = _header_line(line)
            if match and LABELS.get(match.group(1).lower()) == "from":
                block = _header_block(lines, index)
                if block and "from" in block and len(block) >= 2:
                    return _forwarded(block, default_zone)
    return None


def _header_block(lines: list[str], start: int) -> dict[str, str]:
    """The header lines starting at `start` (after at most three blank lines), by field.

    To and Cc may run over several lines (Outlook wraps long recipient lists); any other line
    that is not a header ends the block."""
    block: dict[str, str] = {}
    index = start
    while index < len(lines) and index < start + 3 and not lines[index].strip():
        index += 1
    current = ""
    for line in lines[index : index + 40]:
        if not line.strip():
            break
        match = _header_line(line)
        if match:
            current = LABELS.get(match.group(1).lower(), "")
            if current and current not in block:
                block[current] = match.group(2).strip()
            elif current:
                current = ""
        elif current in ("to", "cc") and ("@" in line or "," in line):
            block[current] += " " + line.strip()
        else:
            break
    return block


def _forwarded(block: dict[str, str], default_zone: timezone | None) -> ForwardedMail:
    return ForwardedMail(
        sender=_sender(_unbold(block.get("from", ""))),
        to=parse_addresses(_unbold(block.get("to", "")).replace(";", ",")),
        cc=parse_addresses(_unbold(block.get("cc", "")).replace(";", ",")),
        subject=header_text(block.get("subject", "")),
        date=parse_date(block.get("date", ""), default_zone),
    )


def _sender(value: str) -> MailAddress | None:
    """The one sender of a From/Von line. Outlook writes `Carter, John [mailto:john@...]` without
    quotes, so everything before the address is the name, comma or not."""
    addresses = parse_addresses(value)
    if not addresses:
        return None
    name = OUTLOOK_MAILTO.sub(r"<\1>", value)
    name = name.split("<", 1)[0] if "<" in name else ""
    name = name.strip().strip("\"'").strip()
    return MailAddress(name=header_text(name) or addresses[0].name, email=addresses[0].email)


def _unbold(value: str) -> str:
    """Gmail's plain text marks the sender's name in bold: `*Anna Berger* <anna@...>`."""
    return BOLD.sub(r"\1", value)


def attached_forward(message: Message, default_zone: timezone | None = None) -> ForwardedMail:
    """The forwarded mail of an attached message (message/rfc822): its own From, To, Cc, Subject, Date."""

    def raw(name: str) -> str:
        try:
            values = message.get_all(name) or []
        except Exception:  # a header the email package cannot even split is as good as missing
            return ""
        return str(values[0]) if values else ""

    senders = parse_addresses(raw("from")) or parse_addresses(raw("sender"))
    return ForwardedMail(
        sender=senders[0] if senders else None,
        to=parse_addresses(raw("to")),
        cc=parse_addresses(raw("cc")),
        subject=header_text(raw("subject")),
        date=parse_date(raw("date"), default_zone),
    )
