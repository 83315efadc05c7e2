"""The import fields and the automatic mapping of column headers onto them."""

from __future__ import annotations

import pytest

from kontor.transfer.columns import guess_kind, guess_mapping, import_fields, recognise

OUTLOOK_DE = [
    "Anrede", "Vorname", "Weitere Vornamen", "Nachname", "Suffix", "Firma", "Abteilung", "Position",
    "Straße geschäftlich", "Straße geschäftlich 2", "Straße geschäftlich 3", "Ort geschäftlich",
    "Region geschäftlich", "Postleitzahl geschäftlich", "Land/Region geschäftlich", "Straße privat", "Ort privat",
    "Bundesland/Kanton privat", "Postleitzahl privat", "Land/Region privat", "Weitere Straße", "Weiterer Ort",
    "Weiteres/r Bundesland/Kanton", "Weitere Postleitzahl", "Weiteres/e Land/Region", "Telefon Assistent",
    "Fax geschäftlich", "Telefon geschäftlich", "Telefon geschäftlich 2", "Rückmeldung", "Autotelefon",
    "Telefon Firma", "Fax privat", "Telefon privat", "Telefon privat 2", "ISDN", "Mobiltelefon", "Weiteres Fax",
    "Weiteres Telefon", "Pager", "Haupttelefon", "Mobiltelefon 2", "Telefon für Hörbehinderte", "Telex",
    "Abrechnungsinformation", "Benutzer 1", "Beruf", "Büro", "E-Mail-Adresse", "E-Mail-Typ",
    "E-Mail: Angezeigter Name", "E-Mail 2: Adresse", "E-Mail 2: Typ", "E-Mail 2: Angezeigter Name",
    "E-Mail 3: Adresse", "Geburtstag", "Geschlecht", "Initialen", "Jahrestag", "Kategorien", "Notizen", "Ort",
    "Privat", "Sprache", "Titel", "Webseite",
]
OUTLOOK_EN = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business Street 2", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Home Street", "Home City", "Home Postal Code", "Other Street", "Other City",
    "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Home Phone", "Mobile Phone",
    "Other Fax", "Other Phone", "Pager", "Primary Phone", "Birthday", "Categories", "E-mail Address",
    "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "E-mail 3 Address", "Gender", "Notes",
    "Web Page",
]
GOOGLE_OLD = [
    "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Name Prefix", "Name Suffix",
    "Nickname", "Birthday", "Gender", "Notes", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value",
    "E-mail 2 - Type", "E-mail 2 - Value", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Type",
    "Phone 2 - Value", "Address 1 - Type", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
    "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
    "Address 2 - Type", "Address 2 - Street", "Address 2 - City", "Organization 1 - Type",
    "Organization 1 - Name", "Organization 1 - Title", "Organization 1 - Department", "Website 1 - Type",
    "Website 1 - Value",
]
GOOGLE_NEW = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Name Prefix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes", "Photo",
    "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value",
    "Address 1 - Label", "Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code",
    "Address 1 - Country",
]
THUNDERBIRD = [
    "First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email", "Screen Name",
    "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number", "Home Address", "Home Address 2",
    "Home City", "Home State", "Home ZipCode", "Home Country", "Work Address", "Work Address 2", "Work City",
    "Work State", "Work ZipCode", "Work Country", "Job Title", "Department", "Organization", "Web Page 1",
    "Web Page 2", "Birth Year", "Birth Month", "Birth Day", "Custom 1", "Notes",
]


def mapped(header: list[str], kind: str = "person") -> dict[str, str | None]:
    return dict(zip(header, guess_mapping(header, kind), strict=True))


def test_outlooks_german_export_maps_every_column_a_contact_needs():
    mapping = mapped(OUTLOOK_DE)
    assert {name: mapping[name] for name in [
        "Anrede", "Vorname", "Nachname", "Firma", "Abteilung", "Position", "Straße geschäftlich",
        "Straße geschäftlich 2", "Ort geschäftlich", "Postleitzahl geschäftlich", "Land/Region geschäftlich",
        "Straße privat", "Postleitzahl privat", "Weitere Straße", "Weiteres/r Bundesland/Kanton",
        "Fax geschäftlich", "Telefon geschäftlich", "Telefon privat", "Mobiltelefon", "E-Mail-Adresse",
        "E-Mail 2: Adresse", "E-Mail 3: Adresse", "Geburtstag", "Geschlecht", "Kategorien", "Notizen", "Sprache",
        "Titel", "Webseite",
    ]} == {
        "Anrede": "salutation", "Vorname": "first_name", "Nachname": "last_name", "Firma": "company",
        "Abteilung": "department", "Position": "job_title", "Straße geschäftlich": "street",
        "Straße geschäftlich 2": "street", "Ort geschäftlich": "city", "Postleitzahl geschäftlich": "zip",
        "Land/Region geschäftlich": "country", "Straße privat": "street:private", "Postleitzahl privat": "zip:private",
        "Weitere Straße": "street:other", "Weiteres/r Bundesland/Kanton": "state:other", "Fax geschäftlich": "fax",
        "Telefon geschäftlich": "phone", "Telefon privat": "phone:private", "Mobiltelefon": "mobile",
        "E-Mail-Adresse": "email", "E-Mail 2: Adresse": "email", "E-Mail 3: Adresse": "email",
        "Geburtstag": "birthday", "Geschlecht": "gender", "Kategorien": "tags", "Notizen": "background",
        "Sprache": "language", "Titel": "title", "Webseite": "website",
    }


def test_columns_that_describe_others_are_ignored():
    mapping = mapped(OUTLOOK_DE)
    for name in ["E-Mail-Typ", "E-Mail: Angezeigter Name", "E-Mail 2: Typ", "Telefon Assistent", "Büro", "Privat",
                 "Initialen", "Rückmeldung", "Benutzer 1"]:
        assert mapping[name] is None, name


def test_outlooks_english_export_maps_like_the_german_one():
    mapping = mapped(OUTLOOK_EN)
    assert mapping["Title"] == "title"  # Outlook's "Title" holds Mr./Dr.; the rows sort that out
    assert (mapping["First Name"], mapping["Last Name"], mapping["Company"]) == ("first_name", "last_name", "company")
    assert (mapping["Business Street"], mapping["Business Street 2"], mapping["Business City"]) == (
        "street", "street", "city")
    assert (mapping["Home Street"], mapping["Home Postal Code"], mapping["Other City"]) == (
        "street:private", "zip:private", "city:other")
    assert (mapping["Business Phone"], mapping["Home Phone"], mapping["Mobile Phone"], mapping["Business Fax"]) == (
        "phone", "phone:private", "mobile", "fax")
    assert (mapping["E-mail Address"], mapping["E-mail 2 Address"], mapping["E-mail Type"]) == ("email", "email", None)
    assert (mapping["Categories"], mapping["Notes"], mapping["Web Page"]) == ("tags", "background", "website")


def test_googles_old_export_maps_values_and_keeps_two_addresses_apart():
    mapping = mapped(GOOGLE_OLD)
    assert (mapping["Name"], mapping["Given Name"], mapping["Family Name"]) == ("full_name", "first_name", "last_name")
    assert (mapping["E-mail 1 - Value"], mapping["E-mail 1 - Type"], mapping["Phone 2 - Value"]) == (
        "email", None, "phone")
    assert (mapping["Address 1 - Street"], mapping["Address 1 - Postal Code"], mapping["Address 1 - Formatted"]) == (
        "street", "zip", None)
    assert (mapping["Address 2 - Street"], mapping["Address 2 - City"]) == ("street:private", "city:private")
    assert (mapping["Organization 1 - Name"], mapping["Organization 1 - Title"]) == ("company", "job_title")
    assert (mapping["Group Membership"], mapping["Website 1 - Value"]) == ("tags", "website")


def test_googles_new_export_maps_organization_and_labels():
    mapping = mapped(GOOGLE_NEW)
    assert (mapping["Organization Name"], mapping["Organization Title"], mapping["Organization Department"]) == (
        "company", "job_title", "department")
    assert (mapping["Labels"], mapping["E-mail 1 - Label"], mapping["E-mail 1 - Value"]) == ("tags", None, "email")


def test_thunderbirds_export_maps_its_three_birthday_columns_and_addresses():
    mapping = mapped(THUNDERBIRD)
    assert (mapping["Birth Year"], mapping["Birth Month"], mapping["Birth Day"]) == (
        "birthday_year", "birthday_month", "birthday_day")
    assert (mapping["Primary Email"], mapping["Secondary Email"], mapping["Display Name"]) == (
        "email", "email", "full_name")
    assert (mapping["Home Address"], mapping["Home Address 2"], mapping["Home ZipCode"], mapping["Work City"]) == (
        "street:private", "street:private", "zip:private", "city")
    assert (mapping["Mobile Number"], mapping["Fax Number"], mapping["Organization"]) == ("mobile", "fax", "company")
    assert mapping["Custom 1"] is None


@pytest.mark.parametrize("header", [OUTLOOK_DE, OUTLOOK_EN, GOOGLE_OLD, GOOGLE_NEW, THUNDERBIRD])
def test_no_field_that_takes_one_column_is_given_two(header):
    fields = {field.key: field for field in import_fields("person")}
    keys = [key for key in guess_mapping(header, "person") if key]
    for key in set(keys):
        assert key in fields
        if not fields[key].repeatable:
            assert keys.count(key) == 1, key


def test_outlooks_location_column_does_not_take_the_city_from_the_business_city():
    mapping = guess_mapping(["Ort geschäftlich", "Ort"], "person")
    assert mapping == ["city", None]


@pytest.mark.parametrize(("header", "kind"), [
    (["Vorname", "Nachname", "Firma"], "person"),
    (["Name", "Firma", "E-Mail"], "person"),
    (["Anzeigename", "E-Mail"], "person"),
    (["Firma", "Straße", "PLZ", "Ort"], "company"),
    (["Name", "Telefon", "Website"], "company"),
])
def test_the_kind_of_a_sheet_is_guessed_from_its_name_columns(header, kind):
    assert guess_kind(header) == kind


def test_on_a_company_sheet_the_company_column_is_the_name_and_person_columns_are_ignored():
    mapping = guess_mapping(["Firmenname", "Vorname", "E-Mail privat", "Telefon", "Notizen"], "company")
    assert mapping == ["name", None, "email:other", "phone", "background"]


def test_a_bare_name_column_is_the_last_name_beside_a_first_name_column():
    assert guess_mapping(["Vorname", "Name"], "person") == ["first_name", "last_name"]
    assert guess_mapping(["Name", "E-Mail"], "person") == ["full_name", "email"]
    assert guess_mapping(["Name", "E-Mail"], "company") == ["name", "email"]


def test_custom_fields_are_matched_by_their_name_before_the_built_in_fields():
    custom = {"customer_no": "Kundennummer", "industry": "Branche", "role": "Position"}
    mapping = guess_mapping(["Nachname", "Kundennummer", "industry", "Position"], "person", custom)
    assert mapping == ["last_name", "custom:customer_no", "custom:industry", "custom:role"]
    assert [field.key for field in import_fields("person", custom)][-3:] == [
        "custom:customer_no", "custom:industry", "custom:role"]


def test_fields_offered_depend_on_the_kind():
    person = {field.key for field in import_fields("person")}
    company = {field.key for field in import_fields("company")}
    assert {"first_name", "last_name", "company", "birthday", "email:private"} <= person
    assert "name" not in person
    assert "name" in company and not {"first_name", "birthday", "email:private"} & company
    assert all(str(field.label) for field in import_fields("company"))


@pytest.mark.parametrize(("header", "key"), [
    ("E-Mail", "email"), ("Email", "email"), ("e-mail", "email"), ("Mail privat", "email:private"),
    ("Handy", "mobile"), ("Telefon (privat)", "phone:private"), ("PLZ", "zip"), ("Strasse", "street"),
    ("STRASSE", "street"), ("Straße / Hausnr.", "street"), ("Verantwortlich", "responsible"),
    ("Schlagwörter", "tags"), ("Homepage", "website"), ("", None), ("Irgendwas", None),
])
def test_usual_spellings_of_headers_are_recognised(header, key):
    assert recognise(header) == key
