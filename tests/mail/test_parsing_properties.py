"""Whatever bytes arrive, parse_mail answers with the declared shape and never raises: random bytes,
and real messages from the corpus cut, flipped, spliced and stuffed with junk."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.mail.calendar import CalendarEvent
from kontor.mail.forwards import ForwardedMail
from kontor.mail.headers import header_text, message_ids, parse_addresses, parse_date
from kontor.mail.parsing import MailAddress, MailAttachment, ParsedMail, header_recipients, parse_mail

from .corpus import corpus_messages

# The big corpus messages (a 200 KB line) make each example slow without finding more.
SEEDS = [raw for _, raw in corpus_messages() if len(raw) < 20_000]
KINDS = {"mail", "bounce", "auto_reply", "report"}
PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_address(value: object) -> bool:
    return isinstance(value, MailAddress) and isinstance(value.name, str) and isinstance(value.email, str) and (
        isinstance(value.key, str))


def _is_date(value: object) -> bool:
    return value is None or (isinstance(value, datetime) and value.tzinfo is not None)


def assert_declared_shape(parsed: ParsedMail) -> None:
    assert isinstance(parsed, ParsedMail)
    assert isinstance(parsed.subject, str) and "\n" not in parsed.subject
    assert parsed.sender is None or _is_address(parsed.sender)
    for addresses in (parsed.reply_to, parsed.to, parsed.cc):
        assert isinstance(addresses, list) and all(_is_address(address) for address in addresses)
    assert all(isinstance(value, str) and value == value.lower() for value in parsed.delivered_to)
    assert _is_date(parsed.date)
    assert isinstance(parsed.message_id, str) and len(parsed.message_id) <= 300
    assert isinstance(parsed.in_reply_to, str)
    assert isinstance(parsed.text, str) and "\x00" not in parsed.text and "\r" not in parsed.text
    assert len(parsed.text) <= 1_000_000
    assert isinstance(parsed.html, str) and "<script" not in parsed.html.lower()
    assert isinstance(parsed.has_remote_images, bool)
    assert len(parsed.attachments) <= 500
    for attachment in parsed.attachments:
        assert isinstance(attachment, MailAttachment)
        assert isinstance(attachment.filename, str) and attachment.filename.strip()
        assert "/" not in attachment.filename and "\\" not in attachment.filename
        assert not any(ord(char) < 32 for char in attachment.filename)
        assert attachment.content_type == attachment.content_type.lower() and "/" in attachment.content_type
        assert isinstance(attachment.data, bytes)
        assert isinstance(attachment.content_id, str) and isinstance(attachment.is_inline, bool)
    if parsed.forwarded is not None:
        assert isinstance(parsed.forwarded, ForwardedMail)
        assert parsed.forwarded.sender is None or _is_address(parsed.forwarded.sender)
        assert all(_is_address(address) for address in [*parsed.forwarded.to, *parsed.forwarded.cc])
        assert isinstance(parsed.forwarded.subject, str) and _is_date(parsed.forwarded.date)
    if parsed.calendar is not None:
        assert isinstance(parsed.calendar, CalendarEvent)
        assert isinstance(parsed.calendar.summary, str) and isinstance(parsed.calendar.location, str)
        assert _is_date(parsed.calendar.start) and _is_date(parsed.calendar.end)
        assert parsed.calendar.method in {"", "PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER",
                                          "DECLINECOUNTER"}
    assert parsed.kind in KINDS
    assert isinstance(parsed.problems, list) and all(isinstance(problem, str) for problem in parsed.problems)
    assert isinstance(parsed.unreadable, bool)


@PROPERTIES
@given(st.binary(max_size=4_000))
def test_any_bytes_give_the_declared_shape(raw: bytes):
    assert_declared_shape(parse_mail(raw))
    assert all(isinstance(address, str) for address in header_recipients(raw))


# A mutation: where (as a fraction of the message) and what.
MUTATION = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.sampled_from(["cut", "flip", "insert", "delete", "duplicate"]),
    st.binary(min_size=1, max_size=40)
    | st.sampled_from([b"\r\n", b"\n\n", b"--", b"=?utf-8?q?", b"?=", b"\x00", b"\xff\xfe", b"=\r\n", b":", b"\"",
                       b"<", b">", b";", b"boundary=", b"Content-Type: multipart/mixed; boundary=x\r\n", b"\r\n--x\r\n",
                       b"Content-Transfer-Encoding: base64\r\n", b"filename*0*=", b"%", b"\t", b"BEGIN:VCALENDAR"]),
)


def _mutate(raw: bytes, mutations: list[tuple[float, str, bytes]]) -> bytes:
    data = bytearray(raw)
    for fraction, action, junk in mutations:
        at = int(fraction * len(data))
        if action == "cut":
            del data[at:]
        elif action == "flip" and at < len(data):
            data[at] ^= junk[0] or 0x80
        elif action == "insert":
            data[at:at] = junk
        elif action == "delete":
            del data[at : at + len(junk)]
        elif action == "duplicate":
            data[at:at] = data[at : at + 200]
    return bytes(data)


@PROPERTIES
@given(st.sampled_from(SEEDS), st.lists(MUTATION, min_size=1, max_size=6))
def test_mutilated_corpus_messages_give_the_declared_shape(raw: bytes, mutations: list[tuple[float, str, bytes]]):
    mutated = _mutate(raw, mutations)
    assert_declared_shape(parse_mail(mutated))
    assert all(isinstance(address, str) for address in header_recipients(mutated))


HEADER_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80)


@PROPERTIES
@given(subject=HEADER_TEXT, name=HEADER_TEXT, filename=HEADER_TEXT, body=st.text(max_size=300),
       html=st.text(alphabet="<>/=\"' abcimgsrc:htp.", max_size=200), mutations=st.lists(MUTATION, max_size=3))
def test_built_messages_keep_their_subject_and_survive_mutilation(
    subject: str, name: str, filename: str, body: str, html: str, mutations: list[tuple[float, str, bytes]]
):
    try:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = '"{}" <anna@kunde.example>'.format(name.replace("\\", "").replace('"', ""))
        message.set_content(body)
        message.add_alternative(f"<p>{html}</p>", subtype="html")
        message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename=filename or "x.pdf")
        raw = bytes(message)
    except Exception:  # the email package refuses to write some generated values; that is no parser input
        return
    parsed = parse_mail(raw)
    assert_declared_shape(parsed)
    assert_declared_shape(parse_mail(_mutate(raw, mutations)))
    if message_from_bytes(raw, policy=policy.default)["From"] is None:
        # The email package wrote a header block that ends early (a subject of only a line break:
        # "Subject: \n\n"): no reader finds the sender after it, Python's own neither.
        return
    assert parsed.sender is not None and parsed.sender.email == "anna@kunde.example"
    # The subject comes back whole, only control characters and runs of whitespace reduced to one space.
    written = "".join(" " if unicodedata.category(char) == "Cc" else char for char in str(message["Subject"]))
    assert parsed.subject.split() == written.split()


ANY_TEXT = st.text(alphabet=st.characters(), max_size=300) | st.binary(max_size=300).map(
    lambda data: data.decode("ascii", "surrogateescape"))  # raw 8-bit header bytes, as the email package hands them


@PROPERTIES
@given(ANY_TEXT)
def test_header_readers_answer_for_any_value(value: str):
    assert isinstance(header_text(value), str)
    assert all(_is_address(address) for address in parse_addresses(value))
    assert _is_date(parse_date(value))
    assert all(isinstance(found, str) and 0 < len(found) <= 300 for found in message_ids(value))


def test_a_date_with_an_impossible_zone_is_no_date():
    assert parse_date("Mon, 1 Dec 2025 20:00:00 +9100") is None
    assert parse_date("1. Dezember 2025 20:00 +9100") is None
