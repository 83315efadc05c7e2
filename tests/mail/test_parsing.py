"""parse_mail reads what a person would see in a message: subject, sender, text, attachments."""

from __future__ import annotations

from email.message import EmailMessage

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
