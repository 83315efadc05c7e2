"""A forwarded mail belongs with the person who wrote it: the forward finder reads the original sender
from the header block mail clients put above forwarded text, in German and English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from kontor.mail.forwards import attached_forward, find_inline_forward
from kontor.mail.parsing import parse_mail

BERLIN_WINTER = timezone(timedelta(hours=1))

HEADER_BLOCK = """Von: Anna Berger <anna@kunde.example>
Gesendet: Montag, 3. November 2025 10:15
An: Alice Schmidt <alice@kontor.example>
Betreff: Angebot für Müller

Hallo Alice,
"""


@pytest.mark.parametrize("marker", [
    "-----Original Message-----",
    "-----Ursprüngliche Nachricht-----",
    "---------- Forwarded message ---------",
    "---------- Weitergeleitete Nachricht ----------",
    "Anfang der weitergeleiteten Nachricht:",
    "Begin forwarded message:",
    "-------- Forwarded Message --------",
    "-------- Weitergeleitete Nachricht --------",
    "________________________________",
])
def test_every_clients_marker_opens_a_forward(marker: str):
    forwarded = find_inline_forward(f"Zur Info.\n\n{marker}\n{HEADER_BLOCK}", "Angebot für Müller")
    assert forwarded is not None and forwarded.sender is not None
    assert (forwarded.sender.name, forwarded.sender.email) == ("Anna Berger", "anna@kunde.example")
    assert forwarded.subject == "Angebot für Müller"
    assert [address.email for address in forwarded.to] == ["alice@kontor.example"]


def test_english_outlook_labels_and_mailto_brackets_are_understood():
    text = """-----Original Message-----
From: Carter, John [mailto:john.carter@client.example]
Sent: Monday, November 3, 2025 4:15 PM
To: Alice Schmidt
Cc: procurement@client.example; "Doe, Jane" <jane.doe@client.example>
Subject: RE: Quote
"""
    forwarded = find_inline_forward(text, "FW: Quote", BERLIN_WINTER)
    assert forwarded is not None and forwarded.sender is not None
    assert (forwarded.sender.name, forwarded.sender.email) == ("Carter, John", "john.carter@client.example")
    assert [address.email for address in forwarded.cc] == ["procurement@client.example", "jane.doe@client.example"]
    assert forwarded.to == []  # a name without an address is no recipient
    assert forwarded.date == datetime(2025, 11, 3, 15, 15, tzinfo=UTC)  # 4:15 PM in the forwarder's zone


def test_gmails_bold_name_is_read_without_its_stars():
    text = "---------- Forwarded message ---------\nFrom: *Anna Berger* <anna@kunde.example>\nDate: Mon, Nov 3, 2025\n"
    forwarded = find_inline_forward(text, "Fwd: Angebot")
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.name == "Anna Berger"


def test_apple_mails_quoted_block_is_read():
    text = ("> Anfang der weitergeleiteten Nachricht:\n>\n> Von: Anna Berger <anna@kunde.example>\n"
            "> Datum: 3. November 2025 um 10:15:00 MEZ\n> An: alice@kontor.example\n>\n> Hallo")
    forwarded = find_inline_forward(text, "Fwd: Angebot")
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.email == "anna@kunde.example"
    assert forwarded.date == datetime(2025, 11, 3, 9, 15, tzinfo=UTC)


def test_a_forward_subject_and_a_header_block_without_a_marker_is_a_forward():
    forwarded = find_inline_forward(f"Bitte eintragen.\n\n{HEADER_BLOCK}", "WG: Angebot für Müller")
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.email == "anna@kunde.example"


def test_a_header_block_without_a_marker_or_forward_subject_is_no_forward():
    assert find_inline_forward(f"Wie besprochen:\n\n{HEADER_BLOCK}", "Angebot für Müller") is None


def test_a_forward_subject_without_a_header_block_is_no_forward():
    assert find_inline_forward("Von mir an dich: das Angebot.\nGrüße", "Fwd: Angebot") is None


def test_a_lone_from_line_under_a_forward_subject_is_not_enough():
    assert find_inline_forward("From: the team\n\nHello", "Fwd: News") is None


def test_a_reply_quoting_its_original_is_no_forward():
    text = f"Gern.\n\n-----Ursprüngliche Nachricht-----\n{HEADER_BLOCK}"
    assert find_inline_forward(text, "AW: Angebot für Müller") is None
    assert find_inline_forward(text, "Re: Angebot für Müller") is None
    assert find_inline_forward(text, "WG: AW: Angebot für Müller") is not None


def test_a_clear_forward_marker_counts_even_in_a_reply():
    text = f"Siehe unten.\n\n---------- Forwarded message ---------\n{HEADER_BLOCK}"
    assert find_inline_forward(text, "Re: Angebot") is not None


def test_a_sender_without_an_address_still_marks_the_forward():
    forwarded = find_inline_forward("-----Original Message-----\nVon: Berger, Anna\nGesendet: Montag\n", "WG: x")
    assert forwarded is not None
    assert forwarded.sender is None


def test_the_outermost_of_nested_forwards_wins():
    text = (f"---------- Forwarded message ---------\n{HEADER_BLOCK}\n\n"
            "---------- Forwarded message ---------\nFrom: Hans <hans@kunde.example>\n")
    forwarded = find_inline_forward(text, "Fwd: Fwd: Angebot")
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.email == "anna@kunde.example"


def test_a_wrapped_recipient_list_is_read_to_its_end():
    text = ("-----Original Message-----\nFrom: Anna <anna@kunde.example>\nTo: Alice <alice@kontor.example>;\n"
            " Bob <bob@kontor.example>; Carol\n <carol@kontor.example>\nSubject: Liste\n")
    forwarded = find_inline_forward(text, "FW: Liste")
    assert forwarded is not None
    assert [address.email for address in forwarded.to] == [
        "alice@kontor.example", "bob@kontor.example", "carol@kontor.example",
    ]


def test_a_huge_text_of_near_markers_is_no_forward():
    text = "x" * 1_000_000 + "\n" + "-" * 100_000 + "\n" + ("Von: \n" * 50_000)
    assert find_inline_forward(text, "Fwd: x") is None


def test_an_attached_message_gives_its_own_people():
    inner = EmailMessage()
    inner["From"] = "=?utf-8?q?J=C3=BCrgen_Wei=C3=9F?= <j.weiss@lieferant.example>"
    inner["To"] = "bob@kontor.example"
    inner["Subject"] = "Preise 2026"
    inner["Date"] = "Fri, 14 Nov 2025 07:45:00 +0100"
    forwarded = attached_forward(inner)
    assert forwarded.sender is not None and forwarded.sender.name == "Jürgen Weiß"
    assert forwarded.subject == "Preise 2026"
    assert forwarded.date == datetime(2025, 11, 14, 6, 45, tzinfo=UTC)


def test_a_plain_mail_is_no_forward():
    message = EmailMessage()
    message["From"] = "Anna Berger <anna@kunde.example>"
    message["Subject"] = "Angebot"
    message.set_content("Hallo Alice,\n\nVon: wem auch immer\nAn: alle\n")
    assert parse_mail(bytes(message)).forwarded is None


def test_an_html_only_forward_is_found_through_its_text():
    message = EmailMessage()
    message["From"] = "Alice <alice@kontor.example>"
    message["Subject"] = "WG: Angebot"
    message.set_content(
        "<div>FYI</div><div><b>Von:</b> Anna Berger &lt;anna@kunde.example&gt;<br><b>Gesendet:</b> Montag, 3. "
        "November 2025 10:15<br><b>Betreff:</b> Angebot</div><p>Hallo</p>", subtype="html")
    forwarded = parse_mail(bytes(message)).forwarded
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.email == "anna@kunde.example"


def test_outlooks_html_mailto_link_in_the_sender_line_is_understood():
    message = EmailMessage()
    message["From"] = "Alice <alice@kontor.example>"
    message["Subject"] = "WG: Angebot"
    message.set_content(
        '<p><b>From:</b> Anna Berger [<a href="mailto:anna@kunde.example">mailto:anna@kunde.example</a>]<br>'
        "<b>Sent:</b> Monday, November 3, 2025 10:15 AM<br><b>Subject:</b> Angebot</p>", subtype="html")
    forwarded = parse_mail(bytes(message)).forwarded
    assert forwarded is not None and forwarded.sender is not None
    assert (forwarded.sender.name, forwarded.sender.email) == ("Anna Berger", "anna@kunde.example")
