"""Every message of the messy corpus reads as a person would expect: who wrote it, about what, what
it says and what came with it. tests/mail/corpus/README.md says what each message covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from kontor.mail.parsing import ParsedMail, parse_mail

from .corpus import corpus_messages


@dataclass
class Expected:
    subject: str
    sender: str | None  # the sender's address, None when the message has none
    says: list[str] = field(default_factory=list)  # text the body shows
    files: list[str] = field(default_factory=list)  # attachment names, in order
    kind: str = "mail"
    forwarded_from: str | None = None  # the forwarded mail's original sender
    date: str | None = None  # ISO 8601 in UTC
    unreadable: bool = False


EXPECTED: dict[str, Expected] = {
    "8bit-headers": Expected("Bestätigung für Müller & Söhne", "j.weiss@lieferant.example",
                             ["Die Bestätigung für Müller & Söhne ist unterwegs."]),
    "apple-mail-forward-de": Expected("Fwd: Angebot für Müller", "alice@kontor.example",
                                      ["das Angebot passt so", "Viele Grüße"], forwarded_from="anna@kunde.example"),
    "apple-mail-forward-en-flowed": Expected(
        "Fwd: Contract draft", "alice@kontor.example",
        ["we only need to change the payment terms to 30 days. Everything else can stay as it is."],
        forwarded_from="john.carter@client.example"),
    "apple-mail-text-image-text": Expected("Skizze Eingang", "anna@kunde.example",
                                           ["so stellen wir uns den Eingang vor", "Was meinst du? Grüße, Anna"],
                                           ["skizze.png"]),
    "attachment-names": Expected(
        "Unterlagen", "anna@kunde.example", ["Anbei alle Unterlagen."],
        ["Angebot für Müller.pdf", "Präsentation Jahresabschluß 2025.pdf", "Kalkulation Größen.xlsx",
         "notizen.txt", "rechnungfdp.exe", "image.png"]),
    "base64-with-junk": Expected("Base64 mit Fehlern", "anna@kunde.example",
                                 ["der Text ist base64 mit Müll dazwischen."], ["kaputt.pdf"]),
    "big5": Expected("報價單", "chan@partner.example", ["您好，附件是報價單。"]),
    "binary-garbage": Expected("", None, unreadable=True),
    "bounce-exchange-de": Expected("Unzustellbar: Angebot 2025-80", "postmaster@kontor.example",
                                   ["nicht erreicht", "Final-Recipient: rfc822;info@gibtsnicht.example"],
                                   ["message-headers.txt"], kind="bounce"),
    "bounce-postfix-dsn": Expected("Undelivered Mail Returned to Sender", "MAILER-DAEMON@mail.kontor.example",
                                   ["User unknown", "Status: 5.1.1"], ["Angebot 2025-77.eml"], kind="bounce"),
    "bounce-report-without-type": Expected("Delivery Notification: Delivery has failed", "postmaster@kunde.example",
                                           ["Reason: recipient reached disk quota", "Status: 5.2.2"],
                                           ["Angebot 2025-81.eml"], kind="bounce"),
    "bounce-qmail-plain": Expected("failure notice", "MAILER-DAEMON@mx.provider.example",
                                   ["Sorry, no mailbox here by that name."], kind="bounce"),
    "broken-boundary": Expected("Kaputte Grenze", "anna@kunde.example",
                                ["Hallo Alice, diese Nachricht hat eine falsche Grenze."]),
    "broken-message-id": Expected("Kaputte Kennung", "anna@kunde.example", ["keine spitzen Klammern"]),
    "calendar-cancel-all-day": Expected("Abgesagt: Messe-Stand Aufbau", "anna@kunde.example", [], ["invite.ics"]),
    "charset-lie-utf8-labelled-latin1": Expected("Grüße aus München", "anna@kunde.example",
                                                 ["Viele Grüße aus München und schöne Feiertage!"]),
    "cr-line-endings": Expected("Alte Zeilenenden", "anna@kunde.example", ["Erste Zeile\nZweite Zeile"]),
    "duplicate-headers": Expected("Doppelte Kopfzeilen", "anna@kunde.example", ["Zwei Empfänger"],
                                  date="2025-12-01T21:00:00+00:00"),
    "encoded-words-tricky": Expected("äöberraschung für Sie Angebot Nr. 7 =?utf-8?b?QmFk?",
                                     "hans.mueller@kunde.example", ["Siehe Betreff."]),
    "forward-as-attachment": Expected("Fwd: Rahmenvertrag 2026", "alice@kontor.example", ["Siehe Anhang."],
                                      ["Rahmenvertrag 2026.eml"], forwarded_from="anna@kunde.example"),
    "forward-as-attachment-base64": Expected("FW: Preiserhöhung ab Januar", "bob@kontor.example",
                                             ["ab Januar erhöhen sich unsere Preise um 4 %."],
                                             ["Preiserhöhung ab Januar.eml"],
                                             forwarded_from="j.weiss@lieferant.example"),
    "gb2312-really-gbk": Expected("合同草案", "wang@partner.example", ["王镕：合同草案已发送。"]),
    "gmail-forward-de-html-only": Expected("Fwd: Reklamation Lieferschein 4711", "alice.schmidt@gmail.example",
                                           ["die Ware ist beschädigt angekommen."],
                                           forwarded_from="j.weiss@lieferant.example"),
    "gmail-forward-en": Expected("Fwd: Quote request", "alice.schmidt@gmail.example",
                                 ["could you send us a quote for 40 licences?"],
                                 forwarded_from="john.carter@client.example"),
    "html-meta-charset": Expected("Zeichensatz im HTML", "anna@kunde.example",
                                  ["Größe: 3 m², Preis 99 €", "- Punkt eins\n- Punkt zwei"]),
    "html-related-cid-logo": Expected("Neues Logo", "hans.mueller@kunde.example",
                                      ["hier unser neues Logo:", "Grüße\nHans Müller"], ["logo.png"]),
    "iphone-photo": Expected("Baustelle Foto", "bob@kontor.example",
                             ["Hier das Foto vom Zugang.", "Von meinem iPhone gesendet"], ["IMG_0412.JPG"]),
    "iso-8859-1-qp": Expected("Änderung der Liefertermine", "j.weiss@lieferant.example",
                              ["Wir bitten um Verständnis.", "Mit freundlichen Grüßen\nJürgen Weiß"]),
    "koi8-r": Expected("Коммерческое предложение", "ivan.petrov@partner.example", ["Здравствуйте, Алиса!"]),
    "latin1-raw-filename": Expected("Dateiname mit Umlaut", "anna@kunde.example", ["Bitte die Notizen beachten."],
                                    ["Gesprächsnotiz Köln.txt"]),
    "malformed-addresses": Expected("Adressen durcheinander", "anna@kunde.example", ["Adresslisten mit Fehlern."]),
    "multipart-without-boundary": Expected("Ohne Grenze", "anna@kunde.example",
                                           ["Nur Text, obwohl multipart angekündigt ist."]),
    "named-body-parts": Expected("Lieferscheine", "j.weiss@lieferant.example",
                                 ["Lieferschein 4711: 40 Kartons Schrauben\n\nLieferschein 4712: 12 Kartons Duebel"]),
    "nested-multiparts": Expected("Verschachtelt", "anna@kunde.example", ["Hallo Alice, der Plan im Text."],
                                  ["plan.png", "Plan.pdf"]),
    "newsletter-remote-images": Expected("Ihre Einladung zur Fachmesse – jetzt Tickets sichern",
                                         "newsletter@messe.example", ["https://messe.example/tickets"]),
    "no-headers": Expected("", None, ["das ist nur Text ohne jeden Kopf.", "Grüße\nAlice"]),
    "nonsense-date": Expected("Zeitreise", "anna@kunde.example", ["Die Uhr des Absenders ist kaputt."]),
    "nul-bytes": Expected("Null bytes", "anna@kunde.example", ["Hallo Alice,\nText mit Nullbytes."]),
    "odd-date-no-message-id": Expected("Seltsames Datum", "anna@kunde.example", ["im deutschen Format"],
                                       date="2025-12-02T09:30:00+00:00"),
    "only-headers": Expected("Nur Kopfzeilen", "anna@kunde.example", date="2025-12-01T17:00:00+00:00"),
    "out-of-office-de": Expected("Abwesenheitsnotiz: Angebot für Müller", "hans.mueller@kunde.example",
                                 ["nicht im Büro"], kind="auto_reply"),
    "out-of-office-outlook-en": Expected("Automatic reply: Quote request", "john.carter@client.example",
                                         ["out of the office"], kind="auto_reply"),
    "outlook-calendar-invitation": Expected("Besprechung Angebot Müller", "anna@kunde.example",
                                            ["Besprechung zum Angebot für Müller"], ["invite.ics"]),
    "outlook-de-forward": Expected("WG: Lieferung Köln", "alice@kontor.example",
                                   ["Zur Info für die Akte.", "die Lieferung nach Köln kommt am Donnerstag."],
                                   forwarded_from="anna@kunde.example"),
    "outlook-de-winmail": Expected("AW: Angebot für Müller", "anna@kunde.example",
                                   ["Ist der Preis von 1.200 € pro Jahr verhandelbar?", "Mit freundlichen Grüßen"],
                                   ["winmail.dat"], date="2025-11-03T09:15:01+00:00"),
    "outlook-new-forward-html-only": Expected("WG: Termin Werksbesichtigung", "bob@kontor.example",
                                              ["Bitte eintragen.", "passt Ihnen der 12.11. um 14 Uhr?"],
                                              forwarded_from="anna@kunde.example"),
    "quoted-printable-soft-breaks": Expected("Lange Zeile", "anna@kunde.example",
                                             ["und Dübel für München.\nGrüße"]),
    "read-receipt": Expected("Gelesen: Angebot 2025-77", "anna@kunde.example",
                             ["Ihre Nachricht wurde am 25.11.2025 um 10:00 gelesen.",
                              "Disposition: manual-action/MDN-sent-manually; displayed"], kind="report"),
    "reused-boundary": Expected("Messeplan", "anna@kunde.example", ["Anbei der Messeplan für Halle 3."],
                                ["halle3.gif"]),
    "reply-outlook-original-message": Expected("AW: Angebot 2025-77", "alice@kontor.example",
                                               ["Hallo Frau Berger, gern."]),
    "reply-thunderbird-de": Expected("Re: Angebot für Müller", "alice@kontor.example",
                                     ["ja, der Preis ist verhandelbar.", "> Ist der Preis verhandelbar?"]),
    "shift-jis": Expected("お見積りのご確認", "tanaka@partner.example", ["① お見積りをご確認ください。"]),
    "thunderbird-forward-de": Expected("Fwd: Rückruf erbeten", "carol@kontor.example",
                                       ["bitte rufen Sie mich wegen der Rechnung zurück."],
                                       forwarded_from="peter.gross@kunde.example"),
    "thunderbird-forward-en": Expected("Fwd: Invoice 2025-118", "carol@kontor.example",
                                       ["Please find the invoice attached."], ["Invoice 2025-118.pdf"],
                                       forwarded_from="billing@supplier.example"),
    "truncated": Expected("Pläne (abgeschnitten)", "bob@kontor.example", ["Anbei die Pläne für das Erdgeschoss."],
                          ["Erdgeschoss.pdf"]),
    "unknown-8bit-charsets": Expected("Zwei Teile ohne echten Zeichensatz", "anna@kunde.example",
                                      ["Erster Teil: Bestätigung folgt.", "Zweiter Teil: Maßnahmen für Köln."]),
    "very-long-line": Expected("Lange Zeile ohne Umbruch", "anna@kunde.example", ["Anfang xxxx", "xxxx Ende"]),
    "windows-1252-labelled-latin1": Expected("Preis € und „Rabatt“", "hans.mueller@kunde.example",
                                             ["Der Preis beträgt 1.450 € – „inklusive“ Lieferung."]),
}

MESSAGES = dict(corpus_messages())


def _parsed(name: str) -> ParsedMail:
    return parse_mail(MESSAGES[name])


def test_the_corpus_has_at_least_forty_messages_and_each_has_expectations():
    assert len(MESSAGES) >= 40
    assert sorted(MESSAGES) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_corpus_message_reads_as_a_person_would_expect(name: str):
    expected = EXPECTED[name]
    parsed = _parsed(name)
    assert parsed.subject == expected.subject
    assert (parsed.sender.email if parsed.sender else None) == expected.sender
    for text in expected.says:
        assert text in parsed.text
    assert [attachment.filename for attachment in parsed.attachments] == expected.files
    assert parsed.kind == expected.kind
    assert (parsed.forwarded.sender.email if parsed.forwarded and parsed.forwarded.sender else None) == (
        expected.forwarded_from)
    if expected.date:
        assert parsed.date is not None and parsed.date.isoformat() == expected.date
    assert parsed.unreadable is expected.unreadable


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_corpus_message_keeps_to_the_declared_shape(name: str):
    parsed = _parsed(name)
    assert "\r" not in parsed.text and "\x00" not in parsed.text
    assert parsed.date is None or parsed.date.tzinfo is not None
    assert len(parsed.message_id) <= 300 and "<" not in parsed.message_id
    for attachment in parsed.attachments:
        assert attachment.filename and "/" not in attachment.filename and "\\" not in attachment.filename
        assert attachment.content_type == attachment.content_type.lower() and "/" in attachment.content_type
        assert isinstance(attachment.data, bytes)
    for address in [*parsed.to, *parsed.cc, *parsed.reply_to, *([parsed.sender] if parsed.sender else [])]:
        assert "@" in address.email and "<" not in address.email


def _sender_name(name: str) -> str:
    sender = _parsed(name).sender
    assert sender is not None
    return sender.name


def test_names_decode_in_every_charset():
    assert _sender_name("koi8-r") == "Иван Петров"
    assert _sender_name("shift-jis") == "田中 太郎"
    assert _sender_name("gb2312-really-gbk") == "王镕"
    assert _sender_name("iso-8859-1-qp") == "Jürgen Weiß"
    assert _parsed("8bit-headers").cc[0].name == "Sören Kühn"  # raw Latin-1 in a header


def test_outlook_names_with_a_comma_stay_one_person():
    parsed = _parsed("outlook-de-winmail")
    assert _sender_name("outlook-de-winmail") == "Berger, Anna"
    assert [(address.name, address.email) for address in parsed.cc] == [("Müller, Hans", "hans.mueller@kunde.example")]
    assert parsed.in_reply_to == "angebot-42@kontor.example"


def test_winmail_dat_is_kept_as_it_came():
    winmail = _parsed("outlook-de-winmail").attachments[0]
    assert winmail.content_type == "application/ms-tnef"
    assert winmail.data.startswith(b"\x78\x9f\x3e\x22")


def test_a_newsletter_shows_no_remote_image_and_runs_nothing():
    parsed = _parsed("newsletter-remote-images")
    assert parsed.has_remote_images
    assert 'data-remote-src="http://track.messe.example/open.gif?u=42"' in parsed.html
    assert 'data-remote-srcset="https://messe.example/logo@2x.png 2x"' in parsed.html
    assert 'data-remote-background="https://messe.example/table-bg.jpg"' in parsed.html
    for forbidden in (" src=", " srcset=", " background=", "<script", "onload", "onclick", "<form", "<input",
                      "<iframe", "javascript:", "position:", "url(", "evil.example"):
        assert forbidden not in parsed.html
    assert '<a href="https://messe.example/tickets" target="_blank" rel="noopener noreferrer">' in parsed.html


def test_a_cid_logo_keeps_its_source_and_its_attachment_its_content_id():
    parsed = _parsed("html-related-cid-logo")
    assert '<img src="cid:logo.png@01DC5A" alt="Logo">' in parsed.html
    assert not parsed.has_remote_images
    logo = parsed.attachments[0]
    assert (logo.content_id, logo.is_inline, logo.content_type) == ("logo.png@01DC5A", True, "image/png")


def test_an_invitation_gives_what_when_and_where():
    calendar = _parsed("outlook-calendar-invitation").calendar
    assert calendar is not None
    assert calendar.summary == "Besprechung Angebot Müller"
    assert calendar.method == "REQUEST"
    assert calendar.location == "Besprechungsraum 2, Köln"
    assert calendar.start == datetime(2025, 11, 24, 13, 0, tzinfo=UTC)  # 14:00 in Cologne, winter time
    assert calendar.end == datetime(2025, 11, 24, 14, 0, tzinfo=UTC)


def test_a_cancelled_all_day_event_starts_at_midnight():
    calendar = _parsed("calendar-cancel-all-day").calendar
    assert calendar is not None and calendar.method == "CANCEL"
    assert calendar.start == datetime(2025, 12, 1, tzinfo=UTC)


def test_forwarded_details_come_from_the_header_block():
    forwarded = _parsed("outlook-de-forward").forwarded
    assert forwarded is not None and forwarded.sender is not None
    assert forwarded.sender.name == "Anna Berger"
    assert forwarded.subject == "Lieferung Köln"
    assert [address.email for address in forwarded.cc] == ["hans.mueller@kunde.example", "lager@kunde.example"]
    assert forwarded.date == datetime(2025, 11, 3, 16, 42, tzinfo=UTC)  # in the forwarder's zone, +01:00


def test_a_forward_as_attachment_names_the_attached_mails_people():
    forwarded = _parsed("forward-as-attachment").forwarded
    assert forwarded is not None
    assert forwarded.subject == "Rahmenvertrag 2026"
    assert [address.email for address in forwarded.cc] == ["hans.mueller@kunde.example"]
    assert b"Rahmenvertrag 2026.pdf" in _parsed("forward-as-attachment").attachments[0].data


def test_replies_quoting_their_original_are_no_forwards():
    assert _parsed("reply-outlook-original-message").forwarded is None
    assert _parsed("reply-thunderbird-de").forwarded is None
    assert _parsed("reply-thunderbird-de").references == ["angebot-1@kontor.example", "angebot-frage@kunde.example"]


def test_a_bounce_keeps_the_returned_message_but_is_no_forward():
    parsed = _parsed("bounce-postfix-dsn")
    assert parsed.forwarded is None
    assert parsed.attachments[0].content_type == "message/rfc822"


def test_a_dangerous_attachment_name_loses_its_folders_and_direction_tricks():
    names = [attachment.filename for attachment in _parsed("attachment-names").attachments]
    assert "rechnungfdp.exe" in names and "notizen.txt" in names


def test_a_truncated_message_keeps_what_arrived_and_says_it_was_cut():
    parsed = _parsed("truncated")
    assert parsed.attachments[0].data.startswith(b"%PDF-1.4")
    assert any("cut short" in problem for problem in parsed.problems)


def test_odd_addresses_are_all_found():
    parsed = _parsed("malformed-addresses")
    assert [address.email for address in parsed.to] == ["hans.mueller@kunde.example", "j.weiss@lieferant.example"]
    assert [address.email for address in parsed.cc] == [
        "lager@kunde.example", "buchhaltung@kunde.example", "bob@kontor.example",
    ]
    assert parsed.reply_to[0].key == "anna@kunde.example"


def test_broken_ids_are_read_as_well_as_they_can_be():
    parsed = _parsed("broken-message-id")
    assert parsed.message_id == "no-angle-brackets@kunde.example"
    assert parsed.in_reply_to == "angebot-1@kontor.example"
    assert len(parsed.references[0]) == 300


def test_messages_without_headers_or_body_are_noted():
    assert "no mail headers found" in _parsed("no-headers").problems
    assert _parsed("only-headers").text == ""
    assert _parsed("nonsense-date").date is None
    assert _parsed("odd-date-no-message-id").message_id == ""
