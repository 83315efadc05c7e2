"""Reading vCards as Outlook, Apple, Google and vCard 4.0 writers produce them, and broken ones."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kontor.transfer.tables import UnreadableFile
from kontor.transfer.vcard import CardAddress, CardDetail, parse_vcards

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 3 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)


def folded_base64(data: bytes, width: int = 72, indent: str = " ") -> str:
    encoded = base64.b64encode(data).decode()
    return "\r\n".join(indent + encoded[i:i + width] for i in range(0, len(encoded), width))


def outlook_card() -> bytes:
    """Outlook's vCard 2.1 export: Windows-1252 text, quoted-printable with soft line breaks,
    bare TYPE parameters, a base64 photo folded over many lines ending in an empty line."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;LANGUAGE=de;CHARSET=Windows-1252:Müller;Jürgen;;Dr.",
        "FN;CHARSET=Windows-1252:Dr. Jürgen Müller",
        "ORG;CHARSET=Windows-1252:Müller & Söhne GmbH;Einkauf",
        "TITLE:Einkaufsleiter",
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Erste Zeile=0D=0AZweite Zeile mit =FCmlaut und ei=",
        "ner sehr langen Zeile, die umbrochen wird",
        "TEL;WORK;VOICE:+49 89 123456",
        "TEL;CELL;VOICE:0171 2345678",
        "TEL;WORK;FAX:+49 89 123457",
        "TEL;HOME;VOICE:089 555",
        "ADR;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:;;Hauptstra=DFe 1;M=FCnchen;Bayern;80331;D=",
        "eutschland",
        "LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Hauptstra=DFe 1=0D=0A80331 M=FCnchen",
        "URL;WORK:http://www.mueller.de",
        "EMAIL;PREF;INTERNET:j.mueller@mueller.de",
        "EMAIL;INTERNET:juergen@privat.de",
        "PHOTO;TYPE=JPEG;ENCODING=BASE64:",
        folded_base64(JPEG, indent="    "),
        "",
        "BDAY:19700317",
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
        "REV:20240101T120000Z",
        "END:VCARD",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def apple_card() -> bytes:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//macOS 14.0//EN",
        "N:Schmidt;Anna;Maria;Prof. Dr.;",
        "FN:Prof. Dr. Anna Maria Schmidt",
        "ORG:Beispiel AG;Forschung",
        "TITLE:Leiterin",
        "item1.EMAIL;type=INTERNET;type=pref:anna@beispiel.de",
        "item1.X-ABLabel:_$!<Other>!$_",
        "EMAIL;type=INTERNET;type=HOME:anna@privat.de",
        "TEL;type=CELL;type=VOICE;type=pref:+49 171 1234567",
        "TEL;type=HOME;type=VOICE:030 123456",
        "item2.TEL:030 999",
        "item2.X-ABLabel:Büro",
        "item3.ADR;type=HOME;type=pref:;;Gartenweg 5\\nHinterhaus;Berlin;;10115;Deutschland",
        "item3.X-ABADR:de",
        "item4.URL;type=pref:https://beispiel.de",
        "item4.X-ABLabel:_$!<HomePage>!$_",
        "NOTE:Kommas\\, Semikolons\\; und\\nZeilen \\\\ Backslash",
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-17",
        "CATEGORIES:Kunde,VIP",
        "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(JPEG).decode(),
        "END:VCARD",
    ]
    return ("\n".join(lines) + "\n").encode()


def google_card() -> bytes:
    lines = [
        "BEGIN:VCARD", "VERSION:3.0", "FN:Tom Weber", "N:Weber;Tom;;;",
        "EMAIL;TYPE=INTERNET;TYPE=WORK:tom@weber.de", "TEL;TYPE=CELL:+49 160 1234567",
        "ADR;TYPE=WORK:;;Weg 1;Köln;;50667;Deutschland", "ORG:Weber GmbH", "TITLE:Chef", "BDAY:1980-12-24",
        "item1.URL:http\\://weber.de", "item1.X-ABLabel:", "CATEGORIES:myContacts,Kunden", "END:VCARD",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def vcard4_card() -> bytes:
    lines = [
        "BEGIN:VCARD", "VERSION:4.0", "KIND:individual", "FN:Eva Klein", "N:Klein;Eva;;;",
        'TEL;VALUE=uri;TYPE="voice,work":tel:+49-89-123456;ext=12',
        "EMAIL;TYPE=work:eva@klein.de",
        "PHOTO:data:image/png;base64," + base64.b64encode(PNG).decode(),
        "BDAY:--0317", "GENDER:F", "LANG;PREF=1:de", "ANNIVERSARY:20090808", "END:VCARD",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_outlooks_21_card_is_read_with_quoted_printable_charset_and_photo():
    [card] = parse_vcards(outlook_card())
    assert (card.version, card.family_name, card.given_name, card.prefix) == ("2.1", "Müller", "Jürgen", "Dr.")
    assert (card.organization, card.department, card.job_title) == ("Müller & Söhne GmbH", "Einkauf", "Einkaufsleiter")
    assert card.note == "Erste Zeile\nZweite Zeile mit ümlaut und einer sehr langen Zeile, die umbrochen wird"
    assert card.phones == [CardDetail("+49 89 123456", "phone", "work"), CardDetail("0171 2345678", "mobile", "work"),
                           CardDetail("+49 89 123457", "fax", "work"), CardDetail("089 555", "phone", "private")]
    assert card.addresses == [CardAddress("work", street="Hauptstraße 1", city="München", region="Bayern",
                                          zip="80331", country="Deutschland")]
    assert [email.value for email in card.emails] == ["j.mueller@mueller.de", "juergen@privat.de"]
    assert card.emails[0].is_preferred
    assert card.urls == [CardDetail("http://www.mueller.de", "website", "work")]
    assert (card.photo, card.photo_type) == (JPEG, "image/jpeg")
    assert card.birthday == datetime.date(1970, 3, 17)
    assert card.problems == []


def test_apples_card_uses_group_labels_escapes_and_a_year_less_birthday():
    [card] = parse_vcards(apple_card())
    assert (card.family_name, card.given_name, card.additional_names, card.prefix) == (
        "Schmidt", "Anna", "Maria", "Prof. Dr.")
    assert card.emails == [CardDetail("anna@beispiel.de", "email", "other", True),
                           CardDetail("anna@privat.de", "email", "private")]
    assert card.phones == [CardDetail("+49 171 1234567", "mobile", "work", True),
                           CardDetail("030 123456", "phone", "private"), CardDetail("030 999", "phone", "work")]
    assert card.addresses == [CardAddress("private", street="Gartenweg 5\nHinterhaus", city="Berlin", zip="10115",
                                          country="Deutschland")]
    assert card.urls == [CardDetail("https://beispiel.de", "website", "private")]
    assert card.note == "Kommas, Semikolons; und\nZeilen \\ Backslash"
    assert (card.birthday, card.birthday_without_year) == (None, (3, 17))
    assert card.categories == ["Kunde", "VIP"]
    assert card.photo == JPEG


def test_a_card_shown_as_a_company_or_naming_only_an_organisation_is_a_company():
    apple = b"BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nFN:Beispiel AG\nORG:Beispiel AG;\nX-ABShowAs:COMPANY\nEND:VCARD\n"
    google = b"BEGIN:VCARD\nVERSION:3.0\nFN:Weber GmbH\nORG:Weber GmbH\nEND:VCARD\n"
    shown = b"BEGIN:VCARD\nVERSION:3.0\nN:Weber;Tom\nORG:Weber GmbH\nX-ABShowAs:COMPANY\nEND:VCARD\n"
    person = b"BEGIN:VCARD\nVERSION:3.0\nN:Weber;Tom\nFN:Tom Weber\nORG:Weber GmbH\nEND:VCARD\n"
    organisation = b"BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:ACME\nORG:ACME\nEND:VCARD\n"
    assert [card.is_company for card in parse_vcards(apple + google + shown + person + organisation)] == [
        True, True, True, False, True]


def test_googles_card_unescapes_colons_and_reads_iso_birthdays():
    [card] = parse_vcards(google_card())
    assert card.urls == [CardDetail("http://weber.de", "website", "other")]
    assert card.birthday == datetime.date(1980, 12, 24)
    assert card.addresses[0].city == "Köln"
    assert card.categories == ["myContacts", "Kunden"]


def test_a_vcard_4_reads_uri_phone_numbers_data_uri_photos_and_gender():
    [card] = parse_vcards(vcard4_card())
    assert card.phones == [CardDetail("+49-89-123456 ext. 12", "phone", "work")]
    assert (card.photo, card.photo_type) == (PNG, "image/png")
    assert (card.birthday, card.birthday_without_year) == (None, (3, 17))
    assert (card.gender, card.language, card.anniversary) == ("F", "de", datetime.date(2009, 8, 8))


def test_many_cards_with_junk_empty_lines_and_mixed_line_ends_are_all_read_in_order():
    data = (b"Exported by something\r\n\r\n" + outlook_card() + b"\r\n\r\n" + apple_card() + b"\n" + google_card()
            + vcard4_card() + b"trailing junk\n")
    cards = parse_vcards(data)
    assert [card.family_name for card in cards] == ["Müller", "Schmidt", "Weber", "Klein"]
    assert [card.number for card in cards] == [1, 2, 3, 4]


def test_lines_folded_with_a_space_or_a_tab_are_joined():
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:M\xc3\xbcller;An\r\n na\r\nNOTE:eins \r\n\tzwei\r\nEND:VCARD\r\n"
    [card] = parse_vcards(data)
    assert (card.given_name, card.note) == ("Anna", "eins zwei")


def test_a_card_without_end_keeps_what_it_had_and_says_so():
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Eins;Anna\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Zwei;Bernd\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Drei;Clara\r\n")
    cards = parse_vcards(data)
    assert [card.family_name for card in cards] == ["Eins", "Zwei", "Drei"]
    assert cards[0].problems and not cards[1].problems and cards[2].problems
    assert "END:VCARD" in cards[0].problems[0]


def test_bytes_that_are_not_utf8_are_read_as_windows_1252():
    [card] = parse_vcards(b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:M\xfcller;J\xfcrgen\r\nEND:VCARD\r\n")
    assert (card.family_name, card.given_name) == ("Müller", "Jürgen")


def test_a_utf16_file_is_read():
    [card] = parse_vcards("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Anna\r\nEND:VCARD\r\n".encode("utf-16"))
    assert card.family_name == "Müller"


def test_a_damaged_photo_or_a_photo_link_is_a_problem_not_a_failure():
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:A;B\r\nPHOTO;ENCODING=b;TYPE=JPEG:bm90IGFuIGltYWdl\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:C;D\r\nPHOTO;VALUE=uri:https://example.com/a.jpg\r\nEND:VCARD\r\n")
    damaged, linked = parse_vcards(data)
    assert damaged.photo is None and "could not be read" in damaged.problems[0]
    assert linked.photo is None and "link" in linked.problems[0]


def test_an_impossible_birthday_is_a_problem():
    [card] = parse_vcards(b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:A;B\r\nBDAY:1970-02-31\r\nEND:VCARD\r\n")
    assert card.birthday is None and "1970-02-31" in card.problems[0]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "This file is empty."), (b"\r\n\r\n", "This file is empty."),
    (b"Vorname;Nachname\r\nAnna;M\r\n", "This file contains no contact cards (vCard)."),
    (b"END:VCARD\r\n", "This file contains no contact cards (vCard)."),
])
def test_a_file_without_any_card_is_refused(data, message):
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        parse_vcards(data)


LINES = ["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "N:M\xfcller;Anna", "FN:Anna", "ORG:ACME;", "EMAIL:a@x.de",
         "TEL;CELL:0171", "ADR;HOME:;;Weg 1;Ort;;1;DE", "NOTE;ENCODING=QUOTED-PRINTABLE:a=", "=FC=",
         "PHOTO;ENCODING=b:", " /9j/4AAQ", "BDAY:--0317", "BDAY:1970-02-31", "item1.X-ABLabel:_$!<Home>!$_",
         "item1.EMAIL:b@x.de", "X-ABShowAs:COMPANY", "KIND:org", "", " ", "\t", "junk", "AGENT:", "CATEGORIES:a\\,b,c"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.sampled_from(["\r\n", "\n", "\r"]))
def test_any_mix_of_card_lines_gives_cards_or_a_clear_refusal(lines, line_end):
    from kontor.transfer.rows import rows_from_cards

    try:
        cards = parse_vcards(line_end.join(lines).encode("latin-1"))
    except UnreadableFile as refused:
        assert str(refused)
    else:
        assert [card.number for card in cards] == list(range(1, len(cards) + 1))
        assert len(list(rows_from_cards(cards))) == len(cards)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=1500))
def test_any_bytes_after_begin_give_a_card_or_a_clear_refusal(data):
    try:
        parse_vcards(b"BEGIN:VCARD\r\n" + data)
    except UnreadableFile as refused:
        assert str(refused)


def test_escaped_separators_inside_name_parts_stay_part_of_the_name():
    [card] = parse_vcards(b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:M\\;\\,eier;Anna,Lena;;Dr.,Prof.;\r\nEND:VCARD\r\n")
    assert (card.family_name, card.given_name, card.prefix) == ("M;,eier", "Anna Lena", "Dr. Prof.")


def test_an_outlook_note_keeps_its_lines_without_windows_line_ends() -> None:
    card = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Adler;Anna\r\n"
            b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Erste Zeile=0D=0AZweite Zeile f=FCr M=FCller\r\n"
            b"END:VCARD\r\n")
    assert parse_vcards(card)[0].note == "Erste Zeile\nZweite Zeile für Müller"
