"""Rows of a table or cards of a vCard file become ContactRow values with their verdict."""

from __future__ import annotations

import datetime

from kontor.contacts.actions import AddressData, DetailData
from kontor.transfer.columns import guess_kind, guess_mapping
from kontor.transfer.rows import ContactRow, rows_from_cards, rows_from_table
from kontor.transfer.tables import read_table
from kontor.transfer.vcard import parse_vcards


def rows_of(data: bytes, filename: str = "kontakte.csv") -> list[ContactRow]:
    table = read_table(data, filename)
    kind = guess_kind(table.header)
    return list(rows_from_table(table, guess_mapping(table.header, kind), kind))


def test_a_german_outlook_row_becomes_a_person_with_company_details_and_address():
    data = (
        "Anrede;Vorname;Nachname;Firma;Position;E-Mail-Adresse;Telefon geschäftlich;Straße geschäftlich;"
        "Postleitzahl geschäftlich;Ort geschäftlich;Geburtstag\r\n"
        "Frau;Anna;Müller;Müller & Söhne GmbH;Einkauf;anna@mueller.de;089 123456;Hauptstraße 1;80331;München;"
        "17.03.1970\r\n"
    ).encode("cp1252")
    [row] = rows_of(data)
    assert row.is_valid and row.number == 2 and row.kind == "person"
    assert row.fields["salutation"] == "ms" and row.fields["last_name"] == "Müller"
    assert row.fields["birthday"] == datetime.date(1970, 3, 17)
    assert (row.company, row.job_title) == ("Müller & Söhne GmbH", "Einkauf")
    assert row.details == [DetailData("email", "anna@mueller.de", "work"), DetailData("phone", "089 123456", "work")]
    assert row.addresses == [AddressData("work", "Hauptstraße 1", "80331", "München")]


def test_a_row_without_last_name_and_with_a_bad_email_is_refused_with_both_reasons():
    [row] = rows_of(b"Vorname,Nachname,E-Mail\nBob,,not-an-address\n")
    assert not row.is_valid
    assert ("E-Mail", "“not-an-address” is not a valid e-mail address.") in row.errors
    assert any("last name" in message for _where, message in row.errors)


def test_a_vcard_with_only_an_organisation_becomes_a_company():
    cards = parse_vcards(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:ACME GmbH\r\nORG:ACME GmbH\r\nEND:VCARD\r\n")
    [row] = rows_from_cards(cards)
    assert row.kind == "company" and row.fields["name"] == "ACME GmbH" and row.is_valid
