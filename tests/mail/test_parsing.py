"""parse_mail reads what a person would see in a message: subject, sender, text, attachments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from kontor.mail.parsing import MailAddress, ParsedMail, header_recipients, parse_mail


def _mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Anna Berger <anna@kunde.example>")
    message["To"] = headers.pop("to", "bcc-0a1b2c3d4e5f@kontor.example")
    message["Subject"] = headers.pop("subject", "Angebot für Müller")
    message["Date"] = headers.pop("date", "Mon, 03 Nov 2025 10:15:00 +0100")
    message["Message-ID"] = headers.pop("message_id", "<angebot-1@kunde.example>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def test_a_plain_mail_gives_subject_sender_recipients_date_and_text():
    message = _mail(cc='"Müller, Hans" <hans.mueller@kunde.example>')
    message.set_content("Sehr geehrte Frau Berger,\n\nanbei unser Angebot.\n\nMit freundlichen Grüßen")
    parsed = parse_mail(bytes(message))
    assert isinstance(parsed, ParsedMail)
    assert parsed.subject == "Angebot für Müller"
    assert parsed.sender == MailAddress(name="Anna Berger", email="anna@kunde.example")
    assert [address.email for address in parsed.to] == ["bcc-0a1b2c3d4e5f@kontor.example"]
    assert parsed.cc == [MailAddress(name="Müller, Hans", email="hans.mueller@kunde.example")]
    assert parsed.date is not None and parsed.date.isoformat() == "2025-11-03T09:15:00+00:00"
    assert parsed.message_id == "angebot-1@kunde.example"
    assert "anbei unser Angebot." in parsed.text
    assert parsed.html == "" and parsed.attachments == [] and parsed.forwarded is None
    assert parsed.kind == "mail" and not parsed.unreadable and parsed.problems == []


def test_an_address_key_ignores_case_and_a_plus_tag():
    assert MailAddress(name="", email="Anna+Angebote@Kunde.Example").key == "anna@kunde.example"
    assert MailAddress(name="", email="anna@kunde.example").key == "anna@kunde.example"


def test_header_recipients_lists_envelope_headers_before_to_and_cc_without_duplicates():
    message = _mail(to="Alice <ALICE@kontor.example>, bcc-1@kontor.example", cc="anna@kunde.example",
                    delivered_to="bcc-1@kontor.example", x_original_to="bcc-2@kontor.example")
    message.set_content("Hallo")
    assert header_recipients(bytes(message)) == [
        "bcc-1@kontor.example", "bcc-2@kontor.example", "alice@kontor.example", "anna@kunde.example",
    ]


def test_header_recipients_of_garbage_is_an_empty_list():
    assert header_recipients(b"\x00\xff" * 100) == []
    assert header_recipients(b"") == []


def test_empty_input_is_unreadable_but_answers():
    parsed = parse_mail(b"")
    assert parsed.unreadable and parsed.text == "" and parsed.problems == ["empty message"]


# --- headers ------------------------------------------------------------------------------------


def _raw(headers: str, body: bytes = b"Hallo\r\n") -> bytes:
    return headers.strip("\n").replace("\n", "\r\n").encode("utf-8") + b"\r\n\r\n" + body


def test_encoded_words_are_decoded_even_when_split_glued_or_broken():
    parsed = parse_mail(_raw(
        "From: =?utf-8?B?QW5uYQ==?= =?utf-8?B?IELDvHJnZXI=?= <anna@kunde.example>\n"
        "Subject: =?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?= aus=?iso-8859-1?q?_K=F6ln?= =?bogus?q?x?= =?utf-8?b?w6?="
    ))
    assert parsed.sender == MailAddress(name="Anna Bürger", email="anna@kunde.example")
    # Space between encoded words is dropped (RFC 2047), so the bogus word's "x" joins "Köln".
    assert parsed.subject.startswith("Grüße aus Kölnx")


def test_raw_8bit_headers_are_read_as_utf8_or_windows_1252():
    raw = b"From: J\xc3\xbcrgen <j@x.example>\r\nSubject: Gr\xfc\xdfe aus K\xf6ln\r\n\r\nHallo\r\n"
    parsed = parse_mail(raw)
    assert parsed.subject == "Grüße aus Köln"
    assert parsed.sender is not None and parsed.sender.name == "Jürgen"


def test_a_folded_subject_is_one_line_and_control_characters_are_gone():
    parsed = parse_mail(_raw("Subject: Angebot\n\tfür\n Müller\x07"))
    assert parsed.subject == "Angebot für Müller"


def test_delivered_to_collects_every_envelope_header_lower_cased():
    parsed = parse_mail(_raw(
        "Delivered-To: BCC-1@Kontor.Example\nX-Original-To: bcc-2@kontor.example\n"
        "Envelope-To: bcc-3@kontor.example\nX-Envelope-To: <bcc-4@kontor.example>\nDelivered-To: bcc-1@kontor.example"
    ))
    assert parsed.delivered_to == [
        "bcc-1@kontor.example", "bcc-2@kontor.example", "bcc-3@kontor.example", "bcc-4@kontor.example",
    ]


def test_message_ids_lose_brackets_and_are_cut_at_300_characters():
    parsed = parse_mail(_raw(f"Message-ID: <{'a' * 400}@x.example>\nIn-Reply-To: <first@x> <second@x>"))
    assert parsed.message_id == "a" * 300
    assert parsed.in_reply_to == "first@x"


@pytest.mark.parametrize(("value", "expected"), [
    ("Mon, 3 Nov 2025 10:15:00 +0100", "2025-11-03T09:15:00+00:00"),
    ("Mon, 3 Nov 2025 10:15:00 +0100 (CET)", "2025-11-03T09:15:00+00:00"),
    ("3 Nov 2025 10:15 MEZ", "2025-11-03T09:15:00+00:00"),
    ("Mon, 3 Nov 25 10:15:00 GMT", "2025-11-03T10:15:00+00:00"),
    ("2025-11-03T10:15:00+01:00", "2025-11-03T09:15:00+00:00"),
    ("03.11.2025 10:15", "2025-11-03T10:15:00+00:00"),
    ("Montag, 3. November 2025 10:15", "2025-11-03T10:15:00+00:00"),
])
def test_dates_in_odd_formats_are_read_as_utc(value: str, expected: str):
    parsed = parse_mail(_raw(f"Date: {value}"))
    assert parsed.date is not None and parsed.date.isoformat() == expected


@pytest.mark.parametrize("value", [
    "Thu, 01 Jan 1970 00:00:00 +0000", "Mon, 3 Nov 2125 10:15:00 +0100", "gestern", "Mon, 31 Feb 2025 10:00 +0100",
])
def test_nonsense_dates_are_none_with_a_note(value: str):
    parsed = parse_mail(_raw(f"Date: {value}"))
    assert parsed.date is None
    assert "Date header unreadable or implausible" in parsed.problems


def test_a_date_two_days_ahead_is_still_believed_but_not_three():
    soon = (datetime.now(UTC) + timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    later = (datetime.now(UTC) + timedelta(days=3)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    assert parse_mail(_raw(f"Date: {soon}")).date is not None
    assert parse_mail(_raw(f"Date: {later}")).date is None


# --- charsets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("charset", "body", "text"), [
    ("utf8", "Grüße".encode(), "Grüße"),
    ("latin-1", "Grüße".encode("latin-1"), "Grüße"),
    ("iso-8859-1", "„Angebot“ 5 €".encode("cp1252"), "„Angebot“ 5 €"),
    ("us-ascii", "Grüße".encode(), "Grüße"),
    ("utf-8", "Grüße".encode("latin-1"), "Grüße"),
    ("x-nonsense-charset", "Grüße".encode(), "Grüße"),
    ("gb2312", "镕".encode("gbk"), "镕"),
    ("iso-2022-jp", "お見積り".encode("iso-2022-jp"), "お見積り"),
    ("base64", "Grüße".encode(), "Grüße"),  # a transform, not a charset
])
def test_body_charsets_are_read_even_when_wrong(charset: str, body: bytes, text: str):
    raw = _raw(f"Subject: x\nContent-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit", body)
    assert parse_mail(raw).text == text


def test_mostly_utf8_with_one_broken_byte_stays_utf8():
    raw = _raw("Content-Type: text/plain; charset=utf-8", "Grüße aus Köln, schöne Grüße ".encode() + b"\xff")
    parsed = parse_mail(raw)
    assert parsed.text.startswith("Grüße aus Köln, schöne Grüße")
    assert "broken UTF-8 bytes replaced" in parsed.problems


# --- bodies -------------------------------------------------------------------------------------


def test_html_only_mail_gets_readable_text():
    html = ("<html><head><style>p {color: red}</style><script>alert(1)</script></head><body>"
            "<h1>Angebot</h1><p>Sehr geehrte Frau Berger,<br>anbei <b>das Angebot</b>.</p>"
            "<ul><li>Position 1</li><li>Position 2</li></ul><ol><li>erstens</li><li>zweitens</li></ol>"
            "<p>Details: <a href='https://kontor.example/angebot/7'>Angebot ansehen</a>, "
            "<a href='mailto:anna@kunde.example'>anna@kunde.example</a></p>"
            "<table><tr><td>Menge</td><td>Preis</td></tr><tr><td>3</td><td>9 &euro;</td></tr></table>"
            "<blockquote>Zitat<br>zweite Zeile</blockquote></body></html>")
    parsed = parse_mail(_raw("Content-Type: text/html; charset=utf-8", html.encode()))
    assert parsed.text == (
        "Angebot\n\nSehr geehrte Frau Berger,\nanbei das Angebot.\n\n- Position 1\n- Position 2\n"
        "1. erstens\n2. zweitens\n\nDetails: Angebot ansehen (https://kontor.example/angebot/7), "
        "anna@kunde.example\n\nMenge\tPreis\n3\t9 €\n\n> Zitat\n> zweite Zeile"
    )
    assert "alert" not in parsed.text and "color" not in parsed.text


def test_an_empty_text_part_gives_way_to_the_html():
    message = _mail()
    message.set_content("\n")
    message.add_alternative("<p>Nur im <b>HTML</b></p>", subtype="html")
    assert parse_mail(bytes(message)).text == "Nur im HTML"


def test_line_endings_are_newlines_and_nul_is_gone():
    parsed = parse_mail(_raw("Subject: x", b"eins\r\nzwei\rdrei\x00\nvier\x0b"))
    assert parsed.text == "eins\nzwei\ndrei\nvier"


def test_format_flowed_text_is_joined():
    raw = _raw("Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes",
               b"Ein langer Satz, der um- \r\ngebrochen wurde.\r\n-- \r\nSignatur\r\n")
    assert parse_mail(raw).text == "Ein langer Satz, der um-gebrochen wurde.\n-- \nSignatur"


def test_the_html_is_cleaned_and_links_open_safely():
    message = _mail()
    message.set_content("Text")
    message.add_alternative(
        '<p onclick="x()" style="color:red;position:fixed">Hallo</p><script>alert(1)</script>'
        '<a href="https://kunde.example">Seite</a><a href="data:text/html,x">d</a><iframe src="https://x"></iframe>'
        '<form action="https://x"><input name="p"></form><img src="cid:bild@x"><img src="data:image/png;base64,AA==">'
        '<img src="https://t.example/p.gif"><div style="background:url(https://t.example/bg.png)">B</div>',
        subtype="html")
    parsed = parse_mail(bytes(message))
    assert parsed.html.startswith('<p style="color:red">Hallo</p><a href="https://kunde.example" ')
    assert parsed.html.count('target="_blank"') == 2 and parsed.html.count('rel="noopener noreferrer"') == 2
    images = '<img src="cid:bild@x"><img src="data:image/png;base64,AA=="><img data-remote-src="https://t.example/p.gif">'
    assert images in parsed.html
    assert parsed.html.endswith("<div>B</div>")
    for forbidden in ("onclick", "<script", "alert", "data:text", "<iframe", "<form", "<input", "position", "url("):
        assert forbidden not in parsed.html
    assert parsed.has_remote_images


def test_a_mail_without_remote_images_says_so():
    message = _mail()
    message.set_content("<p>Hallo <img src='cid:logo'></p>", subtype="html")
    parsed = parse_mail(bytes(message))
    assert parsed.html == '<p>Hallo <img src="cid:logo"></p>' and not parsed.has_remote_images


# --- attachments --------------------------------------------------------------------------------


def test_attachments_without_names_are_named_after_what_they_are():
    message = _mail()
    message.set_content("Anbei")
    message.add_attachment(b"x", maintype="application", subtype="ms-tnef")
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf")
    message.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text", subtype="calendar")
    names = [attachment.filename for attachment in parse_mail(bytes(message)).attachments]
    assert names == ["winmail.dat", "attachment.pdf", "invite.ics"]


def test_an_attached_message_is_an_eml_named_after_its_subject():
    inner = _mail(subject="Rückfrage: Lieferung/Teil 2")
    inner.set_content("Innen")
    message = _mail()
    message.set_content("Außen")
    message.add_attachment(inner)
    attachment = parse_mail(bytes(message)).attachments[0]
    assert attachment.filename == "Teil 2.eml"  # a slash never makes a folder
    assert attachment.content_type == "message/rfc822"
    assert b"Subject: =?utf-8?q?R=C3=BCckfrage" in attachment.data and b"Innen" in attachment.data


def test_at_most_500_attachments_are_kept_with_a_note():
    message = _mail()
    message.set_content("Viele Dateien")
    for number in range(510):
        message.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=f"{number}.bin")
    parsed = parse_mail(bytes(message))
    assert len(parsed.attachments) == 500 and parsed.attachments[-1].filename == "499.bin"
    assert "10 attachments beyond 500 dropped" in parsed.problems


# --- kinds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "kind"), [
    ("Auto-Submitted: auto-replied", "auto_reply"),
    ("Auto-Submitted: auto-generated", "auto_reply"),
    ("Auto-Submitted: no", "mail"),
    ("X-Autorespond: yes", "auto_reply"),
    ("Precedence: auto_reply", "auto_reply"),
    ("Precedence: bulk", "mail"),
    ("X-Failed-Recipients: anna@kunde.example", "bounce"),
])
def test_machine_headers_set_the_kind(headers: str, kind: str):
    assert parse_mail(_raw(f"From: anna@kunde.example\nSubject: Angebot\n{headers}")).kind == kind


@pytest.mark.parametrize("subject", [
    "Abwesenheitsnotiz: Angebot", "Automatische Antwort: Angebot", "Out of Office: Angebot",
    "Automatic reply: Angebot", "AutoReply: Angebot",
])
def test_out_of_office_subjects_are_auto_replies(subject: str):
    assert parse_mail(_raw(f"From: anna@kunde.example\nSubject: {subject}")).kind == "auto_reply"


def test_a_mail_from_mailer_daemon_is_a_bounce_and_one_about_absence_is_mail():
    assert parse_mail(_raw("From: Mailer-Daemon@mx.example\nSubject: Warnung")).kind == "bounce"
    assert parse_mail(_raw("From: anna@kunde.example\nSubject: Meine Abwesenheit im Dezember")).kind == "mail"


# --- limits -------------------------------------------------------------------------------------


def test_a_line_of_one_megabyte_is_read():
    parsed = parse_mail(_raw("Subject: lang", b"a" * 1_000_000))
    assert len(parsed.text) == 1_000_000


def test_text_beyond_a_million_characters_is_cut_with_a_note():
    parsed = parse_mail(_raw("Subject: lang", b"Zeile\n" * 200_000))
    assert len(parsed.text) <= 1_000_000
    assert "text cut at 1,000,000 characters" in parsed.problems


def test_ten_thousand_parts_are_read():
    parts = b"".join(b"--b\r\nContent-Type: text/plain\r\n\r\nTeil %d\r\n" % number for number in range(10_000))
    parsed = parse_mail(_raw("Subject: Teile\nContent-Type: multipart/mixed; boundary=b", parts + b"--b--\r\n"))
    assert parsed.text.startswith("Teil 0\n\nTeil 1\n") and parsed.text.endswith("Teil 9999")


def _nested(levels: int) -> bytes:
    opening = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (level, level)
                       for level in range(levels))
    closing = b"".join(b"\r\n--b%d--" % level for level in reversed(range(levels)))
    return b"Subject: Tief\r\n" + opening + b"Content-Type: text/plain\r\n\r\nganz innen" + closing + b"\r\n"


def test_a_hundred_nested_multiparts_are_read_to_the_bottom():
    parsed = parse_mail(_nested(100))
    assert parsed.text == "ganz innen" and parsed.problems == []


def test_nesting_beyond_the_parser_keeps_headers_and_text():
    parsed = parse_mail(_nested(2000))
    assert parsed.subject == "Tief" and "ganz innen" in parsed.text
    assert not parsed.unreadable
    assert any("structure could not be read" in problem for problem in parsed.problems)


def test_a_five_megabyte_header_is_read_and_cut():
    parsed = parse_mail(_raw("Subject: " + "Angebot " * 650_000 + "\nTo: " + "anna@kunde.example, " * 250_000))
    assert parsed.subject.startswith("Angebot Angebot") and len(parsed.subject) <= 2_000
    assert parsed.to == [MailAddress(name="", email="anna@kunde.example")]


def test_a_25_megabyte_message_is_read():
    data = bytes(range(256)) * 70_000
    message = _mail()
    message.set_content("Großer Anhang")
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename="gross.bin")
    raw = bytes(message)
    assert len(raw) > 24_000_000
    parsed = parse_mail(raw)
    assert parsed.text == "Großer Anhang"
    assert parsed.attachments[0].data == data


def test_relative_links_and_images_are_dropped_because_they_would_point_into_kontor():
    message = _mail()
    message.set_content('<a href="/logout">Abmelden</a><img src="/api/v1/people"><img src="//t.example/p.gif">'
                        '<table background="/bg.png"><tr><td>x</td></tr></table>', subtype="html")
    parsed = parse_mail(bytes(message))
    assert "/logout" not in parsed.html and "/api/" not in parsed.html and "bg.png" not in parsed.html
    assert '<img data-remote-src="https://t.example/p.gif">' in parsed.html


def test_an_invitation_sent_as_an_ics_file_is_read_too():
    message = _mail()
    message.set_content("Termin anbei")
    message.add_attachment(
        b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Werksbesichtigung\r\n"
        b"DTSTART:20251212T130000Z\r\nDURATION:PT2H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        maintype="application", subtype="octet-stream", filename="Einladung.ics")
    calendar = parse_mail(bytes(message)).calendar
    assert calendar is not None and calendar.summary == "Werksbesichtigung" and calendar.method == "REQUEST"
    assert calendar.end == datetime(2025, 12, 12, 15, 0, tzinfo=UTC)


def test_a_broken_calendar_is_no_event_but_stays_an_attachment():
    message = _mail()
    message.set_content("Termin")
    message.add_attachment(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:kaputt\r\n", maintype="text",
                           subtype="calendar")
    parsed = parse_mail(bytes(message))
    assert parsed.calendar is None or parsed.calendar.start is None
    assert [attachment.filename for attachment in parsed.attachments] == ["invite.ics"]


def test_outlook_html_with_an_unclosed_head_and_office_markup_still_has_its_text():
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">'
            '<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]--><style>p.MsoNormal{margin:0}'
            '</style><body><p class="MsoNormal">Guten Tag Herr Weber,<o:p></o:p></p>'
            '<p class="MsoNormal"><![if !supportLists]>1.<![endif]>Angebot pr&uuml;fen<o:p></o:p></p></body></html>')
    parsed = parse_mail(_raw("Content-Type: text/html; charset=utf-8", html.encode()))
    assert parsed.text == "Guten Tag Herr Weber,\n\n1.Angebot prüfen"
    assert "Guten Tag Herr Weber," in parsed.html and "mso" not in parsed.html


@pytest.mark.parametrize("before", [
    b"\xef\xbb\xbf", b"\r\n\r\n", b"From anna@kunde.example Mon Dec  1 10:00:00 2025\r\n",
])
def test_a_byte_order_mark_blank_lines_or_an_mbox_line_before_the_headers_hide_nothing(before: bytes):
    raw = before + b"From: Anna <anna@kunde.example>\r\nTo: bcc-1@kontor.example\r\nSubject: Hallo\r\n\r\nText\r\n"
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.text, parsed.problems) == ("Hallo", "Text", [])
    assert header_recipients(raw) == ["bcc-1@kontor.example"]


@pytest.mark.parametrize("body", [
    b" " * 1_000_000,  # one line of spaces: the forward finder reads it in one pass
    b"Von" + b" " * 100_000 + b"*" * 100_000 + b"\nAn: x",
    b"-" * 1_000_000 + b"\n" + b"_" * 1_000_000,
    b"> " * 500_000,
    b"=?utf-8?q?" * 100_000,
    b"a" * 99_990 + b"@",
])
def test_long_runs_of_one_character_are_read_in_one_pass(body: bytes):
    parsed = parse_mail(_raw("Subject: Fwd: Lauf\nTo: " + body[:100_000].decode(), body))
    assert parsed.subject == "Fwd: Lauf" and parsed.forwarded is None


@pytest.mark.parametrize("markup", ["<pre>" + " " * 1_000_000 + "</pre>", "<p>" + "&nbsp;" * 200_000, "<" * 200_000,
                                    "<img " + "a " * 100_000, "<pre>" + "\n \n" * 300_000 + "</pre>",
                                    "1<From" * 100_000, "</" * 200_000])
def test_long_runs_in_html_are_read_in_one_pass(markup: str):
    parsed = parse_mail(_raw("Subject: HTML\nContent-Type: text/html; charset=utf-8", markup.encode()))
    assert parsed.subject == "HTML" and "\n\n\n" not in parsed.text


def test_hundreds_of_thousands_of_repeated_headers_are_read_once_each():
    raw = b"To: anna@kunde.example\r\n" * 300_000 + b"Subject: Viele\r\n\r\nText\r\n"
    parsed = parse_mail(raw)
    assert (parsed.subject, [address.email for address in parsed.to]) == ("Viele", ["anna@kunde.example"])
    assert header_recipients(raw) == ["anna@kunde.example"]


def test_a_byte_order_mark_at_the_start_of_a_text_part_is_not_text():
    raw = _raw("Content-Type: text/plain; charset=utf-8", b"\xef\xbb\xbfGr\xc3\xbc\xc3\x9fe")
    assert parse_mail(raw).text == "Grüße"
