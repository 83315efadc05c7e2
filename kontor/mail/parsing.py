"""One e-mail message, as bytes, read into plain data: the pure parsing layer of mail filing.

`parse_mail` never raises and always answers: real mail is messy (lying charsets, broken
boundaries, 8-bit headers, truncated uploads), and a message that cannot be read well must still
end up stored with a note, not lost in a traceback. The filing side (kontor/mail/filing.py) writes
what this module returns; nothing here touches the database.

The message is split with the email package's compat32 policy, which hands over header values raw
instead of building header objects lazily (policy.default's objects raise on access for malformed
address lists and ids, and turn 8-bit bytes into replacement characters). Header values are then
decoded here (kontor/mail/headers.py), one header at a time, so one broken header costs only itself."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import quopri
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser, Parser
from io import BytesIO
from typing import Any

from kontor.mail.calendar import CalendarEvent, read_calendar
from kontor.mail.forwards import ForwardedMail, attached_forward, find_inline_forward
from kontor.mail.headers import (
    MailAddress,
    decode_bytes,
    decode_words,
    header_text,
    message_ids,
    parse_addresses,
    parse_date,
    raw_to_text,
    zone_of_date,
)
from kontor.mail.htmltext import clean_html, html_to_text

__all__ = [
    "CalendarEvent",
    "ForwardedMail",
    "MailAddress",
    "MailAttachment",
    "ParsedMail",
    "header_recipients",
    "parse_mail",
]

MAX_ATTACHMENTS = 500
MAX_TEXT_CHARS = 1_000_000
# HTML beyond this is cut before cleaning: no mail a person wrote is longer, and the cut keeps
# cleaning and text conversion of a 25 MB message within a second or two.
MAX_HTML_CHARS = 2_000_000
# Parts visited at most; a message of 10,000 parts is read, one of a million is an attack.
MAX_PARTS = 20_000
MAX_SUBJECT_CHARS = 2_000
# Occurrences of one header read at most: a message with 300,000 To lines is an attack, and
# 50 lines of a thousand addresses each is more than any real mail.
MAX_HEADER_REPEATS = 50

ENVELOPE_HEADERS = ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to")
KNOWN_HEADERS = {
    "from", "to", "cc", "subject", "date", "message-id", "content-type", "mime-version", "received",
    "delivered-to", "return-path", "reply-to", "sender", "in-reply-to", "references", "x-mailer",
}
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery status notification|delivery failure|failure notice|returned mail"
    r"|mail delivery failed|unzustellbar|nicht zugestellt|zustellung fehlgeschlagen|unzustellbare",
    re.IGNORECASE,
)
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|automatische antwort|abwesenheitsnotiz|abwesend\s*:"
    r"|auto(?:matic)?[- ]?(?:reply|response)|autoreply|auto:|réponse automatique)",
    re.IGNORECASE,
)
REPORT_SUBJECT = re.compile(r"^\s*report domain:|^\s*(?:read|gelesen|lesebestätigung)\s*:", re.IGNORECASE)
# The machine-readable part of a report: its fields are shown as text, not kept as a file.
REPORT_PARTS = {
    "message/delivery-status", "message/global-delivery-status", "message/disposition-notification",
    "message/global-disposition-notification", "message/feedback-report",
}
BASE64_JUNK = re.compile(rb"[^A-Za-z0-9+/=]")
META_CHARSET = re.compile(rb"<meta[^>]{0,500}charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


@dataclass
class MailAttachment:
    filename: str  # decoded (RFC 2047 and RFC 2231), no folders, no control characters; never empty
    content_type: str  # lower-case, e.g. "application/pdf"
    data: bytes
    content_id: str  # without <>, "" if none (for cid: images in the HTML)
    is_inline: bool


@dataclass
class ParsedMail:
    subject: str
    sender: MailAddress | None  # From (first address)
    reply_to: list[MailAddress]
    to: list[MailAddress]
    cc: list[MailAddress]
    delivered_to: list[str]  # Delivered-To, X-Original-To, Envelope-To, X-Envelope-To values, lower-cased
    date: datetime | None  # aware UTC; None when missing or nonsense (before 1980, > 2 days ahead)
    message_id: str  # without <>, stripped, at most 300 chars; "" when missing
    in_reply_to: str
    text: str  # text/plain body, or converted from HTML; never None
    html: str  # cleaned HTML ("" when the mail has no HTML part)
    has_remote_images: bool
    attachments: list[MailAttachment]
    forwarded: ForwardedMail | None
    calendar: CalendarEvent | None
    kind: str  # "mail", "bounce", "auto_reply", "report"
    problems: list[str]  # short English notes on defects found (for logs and the inbox note)
    unreadable: bool  # True only when nothing sensible could be read
    references: list[str] = field(default_factory=list)  # References ids, oldest first, for threading


def parse_mail(raw: bytes) -> ParsedMail:
    """Never raises for any input bytes (including empty, binary garbage, 25 MB); always returns."""
    return _parse(raw, depth=0)


def _parse(raw: bytes, depth: int) -> ParsedMail:
    try:
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        return _Reader(bytes(raw), depth).read()
    except Exception as error:  # the last line of defence: a parser bug must not lose the message
        return _salvage(raw, f"message structure could not be read ({type(error).__name__})")


def header_recipients(raw: bytes) -> list[str]:
    """Delivered-To, X-Original-To, Envelope-To, To, Cc addresses (lower-cased, in that order,
    without duplicates): what an IMAP poller uses to find which dropbox a message was for. Never raises."""
    try:
        message = BytesHeaderParser(policy=policy.compat32).parsebytes(_trimmed(bytes(raw)))
        headers = _raw_headers(message)
        found: dict[str, None] = {}  # ordered, and a lookup that stays cheap for thousands of recipients
        for name in ("delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "to", "cc"):
            for value in headers.get(name, [])[:MAX_HEADER_REPEATS]:
                for address in parse_addresses(value):
                    found.setdefault(address.email.lower())
        return list(found)
    except Exception:  # the poller must get an answer for every message, even an empty one
        return []


# --- the reader -------------------------------------------------------------------------------


def _raw_headers(message: Message) -> dict[str, list[str]]:
    """Header values by lower-cased name, raw (8-bit bytes as surrogate escapes), in order."""
    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(str(name).strip().lower(), []).append(str(value))
    return headers


def _params(part: Message) -> Message:
    """A stand-in holding only the part's Content-Type and Content-Disposition, decoded to text.

    The email package's parameter parsing (RFC 2231 continuations and charsets) is good, but on a
    raw 8-bit filename it hands back replacement characters; decoding the value first keeps it."""
    stand_in = Message()
    for name, value in part.raw_items():
        name = str(name).strip().lower()
        if name in ("content-type", "content-disposition") and name not in stand_in:
            stand_in[name] = raw_to_text(str(value)[:10_000]).replace("\r", " ").replace("\n", " ")
    if "content-type" not in stand_in:
        stand_in.set_default_type(part.get_default_type())
    return stand_in


@dataclass
class _Envelope:
    """What the top-level headers say about a message."""

    subject: str = ""
    sender: MailAddress | None = None
    reply_to: list[MailAddress] = field(default_factory=list)
    to: list[MailAddress] = field(default_factory=list)
    cc: list[MailAddress] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    date: datetime | None = None
    zone: timezone | None = None
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _read_envelope(headers: dict[str, list[str]], hint: str | None) -> _Envelope:
    senders = parse_addresses(_first(headers, "from"), hint) or parse_addresses(_first(headers, "sender"), hint)
    date_value = _first(headers, "date")
    date = parse_date(date_value)
    in_reply_to = message_ids(_first(headers, "in-reply-to"))
    return _Envelope(
        subject=header_text(_first(headers, "subject"), hint)[:MAX_SUBJECT_CHARS],
        sender=senders[0] if senders else None,
        reply_to=parse_addresses(_first(headers, "reply-to"), hint),
        to=_all_addresses(headers, "to", hint),
        cc=_all_addresses(headers, "cc", hint),
        delivered_to=_envelope_recipients(headers),
        date=date,
        zone=zone_of_date(date_value),
        message_id=next(iter(message_ids(_first(headers, "message-id"))), ""),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=message_ids(_first(headers, "references"))[-100:],
        problems=["Date header unreadable or implausible"] if date_value and date is None else [],
    )


def _mail(envelope: _Envelope, **rest: Any) -> ParsedMail:
    return ParsedMail(
        subject=envelope.subject, sender=envelope.sender, reply_to=envelope.reply_to, to=envelope.to,
        cc=envelope.cc, delivered_to=envelope.delivered_to, date=envelope.date, message_id=envelope.message_id,
        in_reply_to=envelope.in_reply_to, references=envelope.references, **rest,
    )


class _Reader:
    """Reads one message; collects the parts as it walks the MIME tree once, in document order."""

    def __init__(self, raw: bytes, depth: int = 0) -> None:
        self.raw = raw
        self.depth = depth  # 1 inside an attached message read for its text
        self.problems: list[str] = []
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[MailAttachment] = []
        self.attached_messages: list[Message] = []
        self.report_texts: list[str] = []
        self.calendar: CalendarEvent | None = None
        self.dropped_attachments = 0
        # Text parts with a name but no Content-Disposition: old mailers name their body parts,
        # clients attaching a .txt say "attachment". Body or file is decided once the walk is done.
        self.named_texts: list[tuple[Message, Message, str, bytes, str]] = []
        self.saw_delivery_status = False

    def note(self, problem: str) -> None:
        if problem and problem not in self.problems and len(self.problems) < 50:
            self.problems.append(problem)

    def read(self) -> ParsedMail:
        if not self.raw.strip():
            return _unreadable(self.raw, "empty message")
        message = BytesParser(policy=policy.compat32).parsebytes(_trimmed(self.raw))
        headers = _raw_headers(message)
        for defect in message.defects[:5]:
            self.note(_defect_note(defect))
        self._walk(message)

        top = _params(message)
        charset = top.get_param("charset")
        envelope = _read_envelope(headers, charset if isinstance(charset, str) else None)
        for problem in envelope.problems:
            self.note(problem)
        text, html, has_remote_images = self._bodies()
        kind = self._kind(top, headers, envelope.sender, envelope.subject)
        forwarded = self._forwarded(kind, text, envelope.subject, envelope.zone)
        if self.dropped_attachments:
            self.note(f"{self.dropped_attachments} attachments beyond {MAX_ATTACHMENTS} dropped")

        unreadable = False
        if not KNOWN_HEADERS & headers.keys():
            self.note("no mail headers found")
            if not _looks_readable(self.raw):
                unreadable = True
                text = _normalise_text(decode_bytes(self.raw[:MAX_TEXT_CHARS], None)[0])
        return _mail(
            envelope, text=text, html=html, has_remote_images=has_remote_images, attachments=self.attachments,
            forwarded=forwarded, calendar=self.calendar, kind=kind, problems=self.problems, unreadable=unreadable,
        )

    # -- walking the tree

    def _walk(self, message: Message) -> None:
        """Visit every part once, depth first in document order, without recursion (a message can
        nest a hundred multiparts deep)."""
        stack: list[Message] = [message]
        visited = 0
        while stack:
            part = stack.pop()
            visited += 1
            if visited > MAX_PARTS:
                self.note(f"more than {MAX_PARTS} parts; the rest was not read")
                return
            for defect in part.defects[:3] if part is not message else []:
                self.note(_defect_note(defect))
            params = _params(part)
            content_type = params.get_content_type()
            if content_type in ("message/rfc822", "message/global"):
                self._attached_message(part, params)
                continue
            if content_type in REPORT_PARTS:
                self.report_texts.append(_report_fields(part))
                self.saw_delivery_status |= "delivery-status" in content_type
                continue
            if part.is_multipart():
                children = part.get_payload()
                if isinstance(children, list):
                    children = [child for child in children if isinstance(child, Message)]
                    stack.extend(reversed([*children, *self._parts_after_the_end(part)]))
                continue
            if content_type.startswith("multipart/"):
                self.note("multipart part without readable parts (broken boundary)")
                content_type = "text/plain"
            self._leaf(part, params, content_type)

    def _parts_after_the_end(self, part: Message) -> list[Message]:
        """Parts that follow a multipart's closing boundary. Outlook Express for Mac reused the outer
        boundary for an inner multipart, so the inner closing line ends the outer one as well and
        the attachments after it land in the epilogue, where the stdlib leaves them."""
        epilogue = part.epilogue
        boundary = part.get_boundary()
        if not epilogue or not boundary or f"--{boundary}" not in epilogue:
            return []
        delimiter = re.compile(rf"^--{re.escape(boundary)}(?:--)?[ \t]*\r?$", re.MULTILINE)
        chunks = delimiter.split(epilogue[: MAX_HTML_CHARS * 10])[1:]
        found = [Parser(policy=policy.compat32).parsestr(chunk.lstrip("\r\n")) for chunk in chunks if chunk.strip()]
        if found:
            self.note("parts found after the closing MIME boundary")
        return found

    def _leaf(self, part: Message, params: Message, content_type: str) -> None:
        disposition = (params.get_content_disposition() or "").lower()
        filename = self._filename(params)
        data = _payload(part)
        if content_type in ("text/plain", "text/html") and not disposition and filename:
            self.named_texts.append((part, params, content_type, data, filename))
            return
        if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            self._body_text(params, content_type, data)
            return
        is_calendar = content_type in ("text/calendar", "application/ics") or filename.lower().endswith(".ics")
        if is_calendar and self.calendar is None:
            charset = params.get_param("charset")
            self.calendar = read_calendar(decode_bytes(data, charset if isinstance(charset, str) else None)[0])
        self._attach(part, params, content_type, data, filename)

    def _body_text(self, params: Message, content_type: str, data: bytes) -> None:
        charset = params.get_param("charset")
        label = charset if isinstance(charset, str) else None
        if content_type == "text/html" and not label:
            meta = META_CHARSET.search(data[:4096])
            label = meta.group(1).decode("ascii") if meta else None
        text, note = decode_bytes(data, label)
        self.note(note)
        if content_type == "text/html":
            self.html.append(text)
            return
        if str(params.get_param("format") or "").lower() == "flowed":
            text = _unflow(_normalise_text(text), str(params.get_param("delsp") or "").lower() == "yes")
        self.plain.append(text)

    def _attached_message(self, part: Message, params: Message) -> None:
        """A message/rfc822 part: kept whole as an .eml file; its From is a forward's original sender."""
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], Message) else None
        data = _message_bytes(inner) if inner is not None else _payload(part)
        encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
        if encoding in ("base64", "quoted-printable"):
            # Not allowed for message/rfc822, but sent: the parser read the encoded text as a message.
            data = _decode_transfer(data, encoding)
            inner = BytesParser(policy=policy.compat32).parsebytes(data)
        elif inner is None and data.strip():
            inner = BytesParser(policy=policy.compat32).parsebytes(data)
        filename = self._filename(params)
        if not filename and inner is not None:
            filename = header_text(_first(_raw_headers(inner), "subject"))[:150]
        filename = _safe_filename(filename, "message.eml")
        if not filename.lower().endswith(".eml"):
            filename += ".eml"
        if inner is not None:
            self.attached_messages.append(inner)
        self._attach(part, params, "message/rfc822", data, filename)

    def _attach(self, part: Message, params: Message, content_type: str, data: bytes, filename: str) -> None:
        if len(self.attachments) >= MAX_ATTACHMENTS:
            self.dropped_attachments += 1
            return
        disposition = (params.get_content_disposition() or "").lower()
        content_id = str(part.get("content-id", "") or "")
        content_id = raw_to_text(content_id).strip().strip("<>").strip()[:300]
        self.attachments.append(
            MailAttachment(
                filename=_safe_filename(filename, _fallback_name(content_type)),
                content_type=content_type if "/" in content_type else "application/octet-stream",
                data=data,
                content_id=content_id,
                is_inline=disposition == "inline" or (not disposition and bool(content_id)),
            )
        )

    def _filename(self, params: Message) -> str:
        try:
            name = params.get_filename() or ""
        except Exception:  # an RFC 2231 value the stdlib cannot collapse
            self.note("attachment name unreadable")
            return ""
        return decode_words(str(name))

    # -- what the walk found

    def _bodies(self) -> tuple[str, str, bool]:
        has_body = any(part.strip() for part in [*self.plain, *self.html])
        for part, params, content_type, data, filename in self.named_texts:
            if has_body:
                self._attach(part, params, content_type, data, filename)
            else:
                self._body_text(params, content_type, data)
        markup = "\n".join(self.html)
        if len(markup) > MAX_HTML_CHARS:
            self.note(f"HTML cut at {MAX_HTML_CHARS:,} characters")
            markup = markup[:MAX_HTML_CHARS]
        text = "\n\n".join(_normalise_text(part).strip("\n") for part in self.plain if part.strip())
        if not text.strip() and markup.strip():
            text = html_to_text(markup)
        if not text.strip() and self.attached_messages and self.depth == 0:
            # Forwarded as an attachment with nothing written above it: show the forwarded text.
            text = _parse(_message_bytes(self.attached_messages[0]), depth=1).text
        if self.report_texts:
            text = "\n\n".join([text, *self.report_texts]).strip()
        if len(text) > MAX_TEXT_CHARS:
            self.note(f"text cut at {MAX_TEXT_CHARS:,} characters")
            text = text[:MAX_TEXT_CHARS]
        text = _normalise_text(text).strip("\n")
        html, has_remote_images = clean_html(markup) if markup.strip() else ("", False)
        return text, html.strip(), has_remote_images

    def _kind(self, params: Message, headers: dict[str, list[str]], sender: MailAddress | None, subject: str) -> str:
        """Whether a person wrote the mail: bounces, auto-replies and reports are not filed like mail.

        1. multipart/report is a delivery status (bounce) or another machine report (read receipt,
           abuse feedback); X-Failed-Recipients and Mailer-Daemon senders are bounces too.
        2. Auto-Submitted (other than "no"), X-Autoreply, X-Autorespond, Precedence: auto_reply and
           out-of-office subjects in German and English are auto-replies."""
        if params.get_content_type() == "multipart/report":
            report_type = str(params.get_param("report-type") or "").lower()
            return "bounce" if report_type == "delivery-status" or self.saw_delivery_status else "report"
        sender_name = sender.name.lower() if sender else ""
        sender_email = sender.email.lower() if sender else ""
        if "x-failed-recipients" in headers:
            return "bounce"
        if sender_email.startswith("mailer-daemon@"):
            return "bounce"
        is_postmaster = sender_email.startswith("postmaster@") or "mail delivery" in sender_name
        if is_postmaster and BOUNCE_SUBJECT.search(subject):
            return "bounce"
        auto_submitted = (_first(headers, "auto-submitted") or "").strip().lower()
        if auto_submitted and not auto_submitted.startswith("no"):
            return "auto_reply"
        if "x-autoreply" in headers or "x-autorespond" in headers:
            return "auto_reply"
        if (_first(headers, "precedence") or "").strip().lower() == "auto_reply":
            return "auto_reply"
        if AUTO_REPLY_SUBJECT.match(subject):
            return "auto_reply"
        if REPORT_SUBJECT.match(subject) and self.attachments and not self.plain:
            return "report"
        return "mail"

    def _forwarded(self, kind: str, text: str, subject: str, zone: timezone | None) -> ForwardedMail | None:
        """Only a person's mail is a forward: a bounce also carries a message, but the user's own."""
        if kind != "mail":
            return None
        if self.attached_messages:
            return attached_forward(self.attached_messages[0], zone)
        return find_inline_forward(text, subject, zone)


# --- helpers ----------------------------------------------------------------------------------


def _trimmed(raw: bytes) -> bytes:
    """The message without what editors and pipes put before its headers: a byte order mark
    (an .eml saved on Windows) and blank lines (some MTA pipes). Either would hide every header."""
    return raw.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")


def _first(headers: dict[str, list[str]], name: str) -> str | None:
    """The first non-empty value of a header (mail with a duplicated Subject is common enough)."""
    for value in headers.get(name, []):
        if value.strip():
            return value
    return None


def _all_addresses(headers: dict[str, list[str]], name: str, hint: str | None) -> list[MailAddress]:
    """Addresses of every occurrence of a header, without duplicates (some clients repeat To)."""
    found: list[MailAddress] = []
    seen: set[str] = set()
    for value in headers.get(name, [])[:MAX_HEADER_REPEATS]:
        for address in parse_addresses(value, hint):
            if address.email.lower() not in seen:
                seen.add(address.email.lower())
                found.append(address)
    return found


def _envelope_recipients(headers: dict[str, list[str]]) -> list[str]:
    found: dict[str, None] = {}
    for name in ENVELOPE_HEADERS:
        for value in headers.get(name, [])[:MAX_HEADER_REPEATS]:
            addresses = [address.email.lower() for address in parse_addresses(value)]
            for email in addresses or [raw_to_text(value).strip().strip("<>").lower()[:320]]:
                if email:
                    found.setdefault(email)
    return list(found)


def _payload(part: Message) -> bytes:
    """The decoded bytes of a leaf part; base64 with junk and bad padding is decoded leniently."""
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding == "base64" and isinstance(part.get_payload(), str):
        # The stdlib gives up (and hands back the base64 text) on a message cut mid-quantum.
        return _decode_transfer(str(part.get_payload()).encode("ascii", "ignore"), "base64")
    try:
        data = part.get_payload(decode=True)
    except Exception:  # an odd transfer encoding value: keep the bytes as they came
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _message_bytes(message: Message) -> bytes:
    """A parsed message written back as bytes (8-bit content kept as it came)."""
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=policy.compat32).flatten(message)
    except Exception:  # a header the generator cannot fold: fall back to its text form
        return message.as_string().encode("utf-8", "surrogateescape")
    return buffer.getvalue()


def _decode_transfer(data: bytes, encoding: str) -> bytes:
    """Undo a transfer encoding applied to a whole attached message, leniently."""
    if encoding == "base64":
        return _lenient_base64(data)
    return quopri.decodestring(data.lstrip(b"\r\n"))


def _lenient_base64(data: bytes) -> bytes:
    """Base64 as mail clients really send it: junk characters dropped, each padded chunk decoded on
    its own (some join separately encoded pieces), and a cut-off last quantum ignored."""
    decoded: list[bytes] = []
    for chunk in re.split(rb"=+", BASE64_JUNK.sub(b"", data)):
        if len(chunk) % 4 == 1:
            chunk = chunk[:-1]
        if chunk:
            try:
                decoded.append(base64.b64decode(chunk + b"=" * (-len(chunk) % 4)))
            except (binascii.Error, ValueError):
                continue
    return b"".join(decoded)


def _report_fields(part: Message) -> str:
    """The fields of a machine report part as lines: who failed with what error, who read what."""
    lines: list[str] = []
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks[:100]:
        if isinstance(block, Message):
            for name, value in block.raw_items():
                lines.append(f"{name}: {header_text(str(value))}")
            lines.append("")
    if not blocks and isinstance(payload, str):
        lines.append(raw_to_text(payload))
    return "\n".join(lines).strip()


def _safe_filename(name: str, fallback: str) -> str:
    """A file name without folders, control or direction characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp", "Cs"))
    name = re.sub(r"\s+", " ", name).strip().strip(".").strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 199 - len(extension)]}.{extension}" if dot and len(extension) <= 10 else name[:200]
    return name or fallback


def _fallback_name(content_type: str) -> str:
    """A name for an attachment that came without one, from what it is."""
    if content_type == "application/ms-tnef":
        return "winmail.dat"
    if content_type in ("text/calendar", "application/ics"):
        return "invite.ics"
    if content_type == "message/rfc822":
        return "message.eml"
    if content_type == "text/rfc822-headers":
        return "message-headers.txt"
    extension = mimetypes.guess_extension(content_type) or ".bin"
    base = "image" if content_type.startswith("image/") else "attachment"
    return f"{base}{extension}"


def _normalise_text(text: str) -> str:
    """Line endings as \\n, no NUL or other control characters (tabs and line breaks stay)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARS.sub("", text)


def _unflow(text: str, delete_space: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676): a line ending in a space goes on."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            current += line[:-1] if delete_space else line
            continue
        out.append(current + line)
        current = ""
    if current:
        out.append(current)
    return "\n".join(out)


def _looks_readable(raw: bytes) -> bool:
    """Whether headerless bytes are text a person could read (not binary garbage)."""
    sample = raw[:200_000].decode("utf-8", "surrogateescape")
    if not sample:
        return False
    bad = len(re.findall(r"[\udc80-\udcff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", sample))
    if bad / len(sample) < 0.1:
        return True
    latin = raw[:200_000].decode("cp1252", "replace")
    bad = len(re.findall(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]", latin))
    letters = sum(1 for char in latin[:20_000] if char.isalnum() or char in " \n\t.,;:!?-'\"()")
    return bad / len(latin) < 0.02 and letters / min(len(latin), 20_000) > 0.85


def _defect_note(defect: Exception) -> str:
    name = type(defect).__name__
    notes = {
        "StartBoundaryNotFoundDefect": "MIME boundary not found",
        "CloseBoundaryNotFoundDefect": "MIME closing boundary missing (message cut short?)",
        "NoBoundaryInMultipartDefect": "multipart without a boundary",
        "MissingHeaderBodySeparatorDefect": "header block not ended properly",
        "FirstHeaderLineIsContinuationDefect": "first header line is a continuation",
        "MultipartInvariantViolationDefect": "multipart structure broken",
        "InvalidMultipartContentTransferEncodingDefect": "multipart with a transfer encoding",
    }
    return notes.get(name, "")


def _salvage(raw: object, problem: str) -> ParsedMail:
    """When the MIME structure defeats the parser (nesting deeper than Python's recursion, say),
    the headers alone are usually still fine: keep them, and the body as text."""
    try:
        data = bytes(raw) if isinstance(raw, bytes | bytearray | memoryview) else str(raw).encode("utf-8", "replace")
        headers = _raw_headers(BytesHeaderParser(policy=policy.compat32).parsebytes(data))
        if not KNOWN_HEADERS & headers.keys():
            return _unreadable(raw, problem)
        envelope = _read_envelope(headers, None)
        ends = [found for found in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if found >= 0]
        body = data[min(ends) :] if ends else b""
        text = _normalise_text(decode_bytes(body[:MAX_TEXT_CHARS], None)[0]).strip()
    except Exception:  # the headers are broken too: nothing sensible left
        return _unreadable(raw, problem)
    return _mail(
        envelope, text=text, html="", has_remote_images=False, attachments=[], forwarded=None, calendar=None,
        kind="mail", problems=[problem, *envelope.problems], unreadable=False,
    )


def _unreadable(raw: object, problem: str) -> ParsedMail:
    """What is left when nothing sensible could be read: the bytes as text, best effort."""
    try:
        data = bytes(raw) if isinstance(raw, bytes | bytearray | memoryview) else str(raw).encode("utf-8", "replace")
        text = _normalise_text(decode_bytes(data[:MAX_TEXT_CHARS], None)[0])
    except Exception:  # even the fallback must answer
        text = ""
    return ParsedMail(
        subject="", sender=None, reply_to=[], to=[], cc=[], delivered_to=[], date=None, message_id="",
        in_reply_to="", text=text, html="", has_remote_images=False, attachments=[], forwarded=None,
        calendar=None, kind="mail", problems=[problem], unreadable=True,
    )
