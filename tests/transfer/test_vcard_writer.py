"""The vCard 3.0 writer: escaping, folding, the properties of people and companies, photos as JPEG."""

from __future__ import annotations

import base64
import datetime as dt
import io

from PIL import Image

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, Person
from kontor.records.models import Kind
from kontor.transfer import export
from kontor.transfer.vcard_writer import card_of, escape, fold, vcard_pieces
from tests.transfer.export_world import make_company, make_person, png_upload, read_vcards, split_unescaped


def _loaded(kind: str, obj):
    model = Person if kind == Kind.PERSON else Company
    return next(export.rows_of(kind, model.objects.filter(pk=obj.pk)))


def test_escape_protects_backslash_comma_semicolon_and_line_breaks():
    assert escape("a\\b, c; d\r\ne\nf") == "a\\\\b\\, c\\; d\\ne\\nf"


def test_short_lines_are_not_folded():
    assert fold("FN:Jürgen Müller") == "FN:Jürgen Müller"


def test_long_lines_fold_at_75_octets_without_splitting_an_umlaut():
    line = "NOTE:" + "Grüße aus Köln und Düsseldorf, " * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line  # every piece decoded on its own: no sequence was cut


def test_a_line_of_only_multibyte_characters_folds_cleanly():
    line = "FN:" + "ä€😀" * 40
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_a_person_card_carries_name_job_details_address_birthday_note_and_tags(alice):
    company = make_company(alice, "Müller; Söhne, KG")
    person = make_person(alice, "Müller", "Jürgen", company=company, tags=("Kunde", "Newsletter"),
                         title="Dr.", birthday=dt.date(1970, 5, 17), background="Mag Kaffee.\nSchwarz, ohne Zucker.")
    card = read_vcards(card_of(Kind.PERSON, _loaded(Kind.PERSON, person)))[0]
    assert card["VERSION"] == [("", "3.0")]
    assert split_unescaped(card["N"][0][1], ";") == ["Müller", "Jürgen", "", "Dr.", ""]
    assert card["FN"] == [("", "Dr. Jürgen Müller")]
    assert split_unescaped(card["ORG"][0][1], ";") == ["Müller; Söhne, KG", "Einkauf"]
    assert card["TITLE"] == [("", "Einkaufsleiter")]
    assert card["EMAIL"] == [("TYPE=INTERNET,WORK", "juergen.mueller@example.com")]
    assert ("TYPE=WORK,VOICE", "+49 30 555 0100") in card["TEL"]
    assert ("TYPE=CELL", "+49 171 2345678") in card["TEL"]
    assert split_unescaped(card["ADR"][0][1], ";") == ["", "", "Königsallee 5", "Düsseldorf", "", "40212", ""]
    assert card["ADR"][0][0] == "TYPE=WORK"
    assert card["BDAY"] == [("", "1970-05-17")]
    assert split_unescaped(card["NOTE"][0][1], ";") == ["Mag Kaffee.\nSchwarz, ohne Zucker."]
    assert split_unescaped(card["CATEGORIES"][0][1], ",") == ["Kunde", "Newsletter"]
    assert "PHOTO" not in card


def test_a_company_card_shows_as_a_company(alice):
    company = make_company(alice, "Müller & Söhne GmbH")
    card = read_vcards(card_of(Kind.COMPANY, _loaded(Kind.COMPANY, company)))[0]
    assert card["X-ABSHOWAS"] == [("", "COMPANY")]
    assert card["FN"] == [("", "Müller & Söhne GmbH")]
    assert card["ORG"] == [("", "Müller & Söhne GmbH")]
    assert card["URL"] == [("", "https://mueller.example")]
    assert card["TEL"] == [("TYPE=WORK,VOICE", "+49 30 1234567")]


def test_the_stored_webp_photo_is_sent_as_a_jpeg(alice):
    person = make_person(alice)
    contact_actions.set_photo(person, png_upload(), alice.membership)
    person.refresh_from_db()
    assert person.photo.name.endswith(".webp")
    card = read_vcards(card_of(Kind.PERSON, _loaded(Kind.PERSON, person)))[0]
    params, value = card["PHOTO"][0]
    assert params == "ENCODING=b;TYPE=JPEG"
    with Image.open(io.BytesIO(base64.b64decode(value))) as image:
        assert image.format == "JPEG"
        pixel = image.getpixel((10, 10))
        assert isinstance(pixel, tuple)
        assert pixel[0] > 200  # still red


def test_a_photo_whose_file_is_gone_leaves_the_card_without_a_photo(alice):
    person = make_person(alice)
    contact_actions.set_photo(person, png_upload(), alice.membership)
    person.refresh_from_db()
    person.photo.storage.delete(person.photo.name)
    card = read_vcards(card_of(Kind.PERSON, _loaded(Kind.PERSON, person)))[0]
    assert "PHOTO" not in card
    assert card["FN"] == [("", "Jürgen Müller")]


def test_many_cards_make_one_file_with_crlf_line_ends(alice):
    for number in range(60):
        make_person(alice, f"Nachname{number}", "Anna")
    people = export.rows_of(Kind.PERSON, Person.objects.filter(account=alice.account).order_by("sort_name"))
    text = b"".join(vcard_pieces(Kind.PERSON, people)).decode("utf-8")
    cards = read_vcards(text)
    assert len(cards) == 60
    assert text.count("BEGIN:VCARD\r\n") == 60
    assert text.endswith("END:VCARD\r\n")


def test_the_importers_reader_reads_back_what_the_writer_wrote(alice):
    from kontor.transfer.vcard import parse_vcards

    company = make_company(alice, "Müller; Söhne, KG")
    person = make_person(alice, "Müller-Lüdenscheidt", "Jürgen", company=company, tags=("Kunde", "Rhein, Ruhr"),
                         title="Dr.", birthday=dt.date(1970, 5, 17), background="Zeile eins\nZeile zwei; mit Komma, ja")
    contact_actions.set_photo(person, png_upload(), alice.membership)
    people = export.rows_of(Kind.PERSON, Person.objects.filter(pk=person.pk))
    companies = export.rows_of(Kind.COMPANY, Company.objects.filter(pk=company.pk))
    data = b"".join(vcard_pieces(Kind.PERSON, people)) + b"".join(vcard_pieces(Kind.COMPANY, companies))
    card, company_card = parse_vcards(data)
    assert (card.family_name, card.given_name, card.prefix) == ("Müller-Lüdenscheidt", "Jürgen", "Dr.")
    assert (card.organization, card.department, card.job_title) == ("Müller; Söhne, KG", "Einkauf", "Einkaufsleiter")
    assert [(e.value, e.label) for e in card.emails] == [("juergen.muellerluedenscheidt@example.com", "work")]
    assert {(p.value, p.kind) for p in card.phones} == {("+49 30 555 0100", "phone"), ("+49 171 2345678", "mobile")}
    assert [(a.street, a.zip, a.city) for a in card.addresses] == [("Königsallee 5", "40212", "Düsseldorf")]
    assert card.birthday == dt.date(1970, 5, 17)
    assert card.note == "Zeile eins\nZeile zwei; mit Komma, ja"
    assert card.categories == ["Kunde", "Rhein, Ruhr"]
    assert card.photo is not None and card.photo.startswith(b"\xff\xd8\xff")
    assert not card.problems
    assert company_card.is_company and company_card.organization == "Müller; Söhne, KG"
