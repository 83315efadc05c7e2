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


def test_outlooks_english_title_column_holding_mr_becomes_the_salutation():
    data = (b"Title,First Name,Last Name,Company,E-mail Address,E-mail 2 Address,Business Phone,Mobile Phone,"
            b"Business Street,Business City,Business Postal Code,Birthday,Categories,Notes,Web Page\r\n"
            b"Mr.,John,Smith,ACME Inc.,john@acme.com,john@home.org,+1 555 1234,+1 555 9876,1 Main St,Springfield,"
            b"12345,3/17/1970,Customer;VIP,Met at the fair,www.acme.com\r\n"
            b"Dr.,Jane,Doe,,,,,,,,,0/0/00,,,\r\n")
    john, jane = rows_of(data, "contacts.csv")
    assert (john.fields["salutation"], john.fields["title"]) == ("mr", "")
    assert (jane.fields["salutation"], jane.fields["title"], jane.fields["birthday"]) == ("", "Dr.", None)
    assert john.fields["birthday"] == datetime.date(1970, 3, 17)
    assert john.details == [DetailData("email", "john@acme.com", "work"), DetailData("email", "john@home.org", "work"),
                            DetailData("phone", "+1 555 1234", "work"), DetailData("mobile", "+1 555 9876", "work"),
                            DetailData("website", "https://www.acme.com", "work")]
    assert john.tags == ["Customer", "VIP"] and john.fields["background"] == "Met at the fair"
    assert john.addresses == [AddressData("work", "1 Main St", "12345", "Springfield")]


def test_googles_type_columns_decide_the_kind_and_label_of_numbers_and_addresses():
    data = ("Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,"
            "Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Address 1 - Type,Address 1 - Street,Address 1 - City,"
            "Address 2 - Type,Address 2 - Street,Address 2 - City,Birthday\r\n"
            "Anna Müller,Anna,Müller,* myContacts ::: Kunden,* Home,anna@privat.de,Mobile,0171 1,Work Fax,089 2,"
            "Work,Weg 1,München,Home,Gasse 2,Berlin,--03-17\r\n").encode()
    [row] = rows_of(data, "google.csv")
    assert row.tags == ["Kunden"]
    assert row.details == [DetailData("email", "anna@privat.de", "private"), DetailData("mobile", "0171 1", "work"),
                           DetailData("fax", "089 2", "work")]
    assert row.addresses == [AddressData("work", "Weg 1", "", "München"),
                             AddressData("private", "Gasse 2", "", "Berlin")]
    assert row.is_valid and row.warnings == [("Birthday", "The birthday has no year (17.03.) and was left out.")]


def test_thunderbirds_birthday_columns_make_one_date_and_the_display_name_is_only_a_fallback():
    header = "First Name,Last Name,Display Name,Primary Email,Birth Year,Birth Month,Birth Day,Work Phone\r\n"
    data = (header + "Anna,Müller,Anna M.,anna@x.de,1970,3,17,089 1\r\n"
            ",,Bernd Schmidt,bernd@x.de,,12,24,\r\n").encode()
    anna, bernd = rows_of(data, "thunderbird.csv")
    assert (anna.fields["first_name"], anna.fields["last_name"], anna.fields["birthday"]) == (
        "Anna", "Müller", datetime.date(1970, 3, 17))
    assert (bernd.fields["first_name"], bernd.fields["last_name"], bernd.fields["birthday"]) == (
        "Bernd", "Schmidt", None)
    assert bernd.is_valid and "no year" in bernd.warnings[0][1]


def test_numbers_stored_as_numbers_keep_their_digits_and_phones_their_leading_zero():
    from .make_fixtures import xlsx

    data = xlsx({"Kontakte": [["Nachname", "PLZ", "Telefon", "Mobil", "Geburtstag"],
                              ["Müller", 1234.0, 891234567.0, 491711234567, 25644]]})
    [row] = rows_of(data, "a.xlsx")
    assert row.addresses == [AddressData("work", "", "1234")]
    assert row.details == [DetailData("phone", "0891234567", "work"), DetailData("mobile", "+491711234567", "work")]
    assert row.fields["birthday"] == datetime.date(1970, 3, 17)


def test_values_longer_than_their_field_are_refused_with_the_limit():
    data = ("Nachname;Firma;PLZ;Tags\n" + "M" * 101 + ";" + "F" * 201 + ";" + "1" * 21 + ";" + "T" * 61 + "\n").encode()
    [row] = rows_of(data)
    assert [where for where, _message in row.errors] == ["Last name", "Company", "Postcode (work)", "Tags"]
    assert "100 characters" in row.errors[0][1]


def test_empty_rows_and_rows_with_only_ignored_columns_are_skipped_silently():
    data = b"Nachname;E-Mail-Typ;Vorname\nM\xfcller;SMTP;Anna\n;SMTP;\n;;\nSchmidt;;\n"
    rows = rows_of(data)
    assert [(row.number, row.fields["last_name"]) for row in rows] == [(2, "Müller"), (5, "Schmidt")]


def test_a_company_sheet_gives_companies_and_refuses_rows_without_a_name():
    data = "Firma;Straße;PLZ;Ort;Telefon;E-Mail;Notizen;Verantwortlich\n" \
           "ACME GmbH;Weg 1;80331;München;089 1;info@acme.de;Großkunde;anna@kontor.test\n" \
           ";Weg 2;;;;;;\n".encode()
    acme, nameless = rows_of(data)
    assert acme.kind == "company" and acme.fields == {"name": "ACME GmbH", "background": "Großkunde"}
    assert acme.addresses == [AddressData("work", "Weg 1", "80331", "München")]
    assert acme.responsible == "anna@kontor.test"
    assert nameless.errors == [("Company name", "The company name is missing.")]


def test_several_addresses_in_one_email_cell_are_several_details_and_duplicates_are_dropped():
    [row] = rows_of(b"Nachname;E-Mail;E-Mail 2\nM;a@x.de; b@y.de;a@x.de\n")
    assert [detail.value for detail in row.details] == ["a@x.de", "b@y.de"]


def test_a_full_name_column_fills_the_name_when_no_last_name_column_does():
    [row] = rows_of("Name;E-Mail;Firma\nFrau Dr. Anna Müller;anna@x.de;ACME\n".encode())
    assert (row.fields["salutation"], row.fields["title"], row.fields["first_name"], row.fields["last_name"]) == (
        "ms", "Dr.", "Anna", "Müller")


def test_gender_salutation_and_custom_fields_are_read_or_refused_per_row():
    table = read_table("Nachname;Anrede;Geschlecht;Kundennummer\nMüller;Frau;weiblich;K-17\n"
                       "Schmidt;Sehr geehrter;Katze;\n".encode(), "a.csv")
    mapping = guess_mapping(table.header, "person", {"customer_no": "Kundennummer"})
    good, bad = rows_from_table(table, mapping, "person")
    assert (good.fields["salutation"], good.fields["gender"], good.custom) == ("ms", "female", {"customer_no": "K-17"})
    assert [where for where, _message in bad.errors] == ["Anrede", "Geschlecht"]


def test_a_slashed_birthday_is_read_in_the_order_its_column_shows():
    rows = rows_of(b"Nachname;Geburtstag\nA;03/04/1970\nB;25/12/1980\n")
    assert [row.fields["birthday"] for row in rows] == [datetime.date(1970, 4, 3), datetime.date(1980, 12, 25)]


def test_a_birthday_in_the_future_is_refused():
    [row] = rows_of(b"Nachname;Geburtstag\nA;01.01.2999\n")
    assert row.errors and "future" in row.errors[0][1]


def test_a_table_row_passing_here_is_accepted_by_the_contact_details_rules():
    [row] = rows_of(b"Nachname;Telefon;Website\nM;n/a;kein web\n")
    assert [where for where, _message in row.errors] == ["Telefon", "Website"]


# --- cards -----------------------------------------------------------------------------------


def test_a_card_becomes_a_person_with_title_company_details_photo_and_warnings():
    from .test_vcard import JPEG, apple_card, outlook_card

    outlook, apple = rows_from_cards(parse_vcards(outlook_card() + apple_card()))
    assert outlook.is_valid and outlook.kind == "person" and outlook.number == 1
    assert (outlook.fields["title"], outlook.fields["first_name"], outlook.fields["last_name"]) == (
        "Dr.", "Jürgen", "Müller")
    assert (outlook.company, outlook.job_title, outlook.department) == ("Müller & Söhne GmbH", "Einkaufsleiter",
                                                                       "Einkauf")
    assert outlook.fields["birthday"] == datetime.date(1970, 3, 17)
    assert DetailData("fax", "+49 89 123457", "work") in outlook.details
    assert outlook.addresses == [AddressData("work", "Hauptstraße 1", "80331", "München", "Bayern", "Deutschland")]
    assert (outlook.photo, outlook.photo_type) == (JPEG, "image/jpeg")
    assert apple.fields["first_name"] == "Anna Maria" and apple.fields["title"] == "Prof. Dr."
    assert apple.addresses[0].street == "Gartenweg 5, Hinterhaus"
    assert apple.tags == ["Kunde", "VIP"]
    assert any("no year" in message for _where, message in apple.warnings)


def test_a_card_with_a_bad_email_or_no_name_is_refused():
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Weber;Tom\r\nEMAIL:tom(at)weber.de\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:nobody@x.de\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nur Vorname\r\nEND:VCARD\r\n")
    bad_email, nameless, first_and_last = rows_from_cards(parse_vcards(data))
    assert bad_email.errors == [("E-mail", "“tom(at)weber.de” is not a valid e-mail address.")]
    assert nameless.errors == [("Card", "The card has no name.")]
    assert (first_and_last.fields["first_name"], first_and_last.fields["last_name"]) == ("Nur", "Vorname")


def test_a_company_card_keeps_its_details_and_addresses():
    data = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:Beispiel AG\r\nORG:Beispiel AG;\r\nX-ABShowAs:COMPANY\r\n"
            b"TEL;type=WORK:030 1\r\nADR;type=WORK:;;Allee 1;Berlin;;10115;\r\nEND:VCARD\r\n")
    [row] = rows_from_cards(parse_vcards(data))
    assert row.kind == "company" and row.fields["name"] == "Beispiel AG" and row.is_valid
    assert row.details == [DetailData("phone", "030 1", "work")]
    assert row.addresses == [AddressData("work", "Allee 1", "10115", "Berlin")]


def test_googles_several_values_in_one_cell_are_several_details():
    data = b"Family Name,E-mail 1 - Value,Phone 1 - Value\nWeber,a@x.de ::: b@y.de,0171 1 ::: 089 2\n"
    [row] = rows_of(data, "google.csv")
    assert [detail.value for detail in row.details] == ["a@x.de", "b@y.de", "0171 1", "089 2"]


def test_an_exchange_directory_name_instead_of_an_address_is_left_out_with_a_warning():
    data = (b'"Vorname","Nachname","E-Mail-Adresse","E-Mail-Typ"\r\n'
            b'"Anna","M\xfcller","/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=anna","EX"\r\n')
    [row] = rows_of(data)
    assert row.is_valid and row.details == []
    assert "Exchange" in row.warnings[0][1]


def test_a_complete_german_outlook_export_row_comes_through_whole():
    from .test_columns import OUTLOOK_DE

    values = {
        "Anrede": "Herr", "Vorname": "Jürgen", "Nachname": "Müller", "Firma": "Müller & Söhne GmbH",
        "Abteilung": "Einkauf", "Position": "Leiter", "Straße geschäftlich": "Hauptstraße 1",
        "Straße geschäftlich 2": "3. OG", "Ort geschäftlich": "München", "Postleitzahl geschäftlich": "80331",
        "Land/Region geschäftlich": "Deutschland", "Straße privat": "Gartenweg 5", "Ort privat": "Starnberg",
        "Postleitzahl privat": "82319", "Fax geschäftlich": "089 123457", "Telefon geschäftlich": "089 123456",
        "Telefon privat": "08151 1234", "Mobiltelefon": "0171 2345678", "E-Mail-Adresse": "j.mueller@mueller.de",
        "E-Mail-Typ": "SMTP", "E-Mail: Angezeigter Name": "Jürgen Müller (j.mueller@mueller.de)",
        "E-Mail 2: Adresse": "juergen@privat.de", "Geburtstag": "17.3.1970", "Geschlecht": "Männlich",
        "Kategorien": "Kunde;Messe 2026", "Notizen": "Kennt den Chef.\r\nWichtig!", "Privat": "Aus",
        "Titel": "Dr.", "Webseite": "www.mueller.de", "Jahrestag": "0.0.00", "Initialen": "J.M.",
    }
    line = ";".join(f'"{values.get(name, "")}"' for name in OUTLOOK_DE)
    header = ";".join(f'"{name}"' for name in OUTLOOK_DE)
    [row] = rows_of((header + "\r\n" + line + "\r\n").encode("cp1252"), "Outlook.CSV")
    assert row.is_valid, row.errors
    assert row.fields == {"salutation": "mr", "title": "Dr.", "first_name": "Jürgen", "last_name": "Müller",
                          "gender": "male", "language": "", "background": "Kennt den Chef.\r\nWichtig!",
                          "birthday": datetime.date(1970, 3, 17)}
    assert (row.company, row.job_title, row.department) == ("Müller & Söhne GmbH", "Leiter", "Einkauf")
    assert row.details == [
        DetailData("fax", "089 123457", "work"), DetailData("phone", "089 123456", "work"),
        DetailData("phone", "08151 1234", "private"), DetailData("mobile", "0171 2345678", "work"),
        DetailData("email", "j.mueller@mueller.de", "work"), DetailData("email", "juergen@privat.de", "work"),
        DetailData("website", "https://www.mueller.de", "work"),
    ]
    assert row.addresses == [AddressData("work", "Hauptstraße 1, 3. OG", "80331", "München", "", "Deutschland"),
                             AddressData("private", "Gartenweg 5", "82319", "Starnberg")]
    assert row.tags == ["Kunde", "Messe 2026"]
