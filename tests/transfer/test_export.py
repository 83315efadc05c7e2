"""The CSV and Excel writers over the lists' querysets: columns, encodings, formulas, types and the
number of queries an export costs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kontor.contacts.models import Company, Person
from kontor.contacts.queries import filter_people
from kontor.deals.models import Deal
from kontor.deals.queries import filter_deals
from kontor.projects.queries import filter_projects
from kontor.records.actions import trash_record
from kontor.records.models import Kind
from kontor.transfer import export
from tests.transfer.export_world import make_company, make_deal, make_person, make_project

BERLIN = dt.timezone(dt.timedelta(hours=1))


def csv_text(kind: str, items, dialect=export.COMMA) -> str:
    pieces = export.csv_pieces(export.COLUMNS[kind], export.rows_of(kind, items), dialect, tz=BERLIN)
    return b"".join(pieces).decode("utf-8")


def csv_rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter))


def xlsx_sheet(kind: str, items):
    target = io.BytesIO()
    export.write_xlsx(target, export.COLUMNS[kind], export.rows_of(kind, items), "Export", tz=BERLIN)
    target.seek(0)
    return load_workbook(target).active


@pytest.mark.parametrize("text, expected", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"), ("+49 30 1234", "'+49 30 1234"),
    ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("Müller", "Müller"), ("", ""), ("a=b", "a=b"),
])
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(text, expected):
    assert export.neutralise(text) == expected


def test_csv_starts_with_a_byte_order_mark_and_keeps_umlauts(alice):
    make_person(alice, "Müller", "Jürgen")
    data = b"".join(export.csv_pieces(export.PERSON_COLUMNS,
                                      export.rows_of(Kind.PERSON, Person.objects.filter(account=alice.account))))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "\r\n" in text
    row = csv_rows(text)[0]
    assert (row["First name"], row["Last name"]) == ("Jürgen", "Müller")
    assert row["City"] == "Düsseldorf"


def test_a_person_row_names_the_primary_job_contact_details_tags_and_times(alice):
    company = make_company(alice, "Müller & Söhne GmbH")
    person = make_person(alice, "Weiß", "Anna", company=company, tags=("Kunde", "Berlin"),
                         email="anna.weiss@example.com", birthday=dt.date(1980, 2, 29))
    row = csv_rows(csv_text(Kind.PERSON, Person.objects.filter(pk=person.pk)))[0]
    assert row["ID"] == str(person.pk)
    assert (row["Company"], row["Job title"], row["Department"]) == ("Müller & Söhne GmbH", "Einkaufsleiter", "Einkauf")
    assert row["E-mail"] == "anna.weiss@example.com"
    assert row["Phone"] == "'+49 30 555 0100"  # a leading + is a formula start too
    assert row["Birthday"] == "1980-02-29"
    assert row["Tags"] == "Berlin, Kunde"
    assert row["Responsible"] == "Alice Adler"
    assert row["Created"] == person.record.created_at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


def test_several_emails_share_one_cell_one_per_line(alice):
    from kontor.contacts import actions
    from kontor.contacts.actions import DetailData, Details

    person = actions.create_person(alice.membership, {"last_name": "Mehrfach"}, Details(contact=[
        DetailData("email", "a@example.com"), DetailData("email", "b@example.com", "private")]))
    row = csv_rows(csv_text(Kind.PERSON, Person.objects.filter(pk=person.pk)))[0]
    assert row["E-mail"] == "a@example.com\nb@example.com"


def test_a_job_at_a_company_in_the_trash_is_left_out(alice):
    company = make_company(alice)
    person = make_person(alice, company=company)
    trash_record(company.record, alice.membership)
    row = csv_rows(csv_text(Kind.PERSON, Person.objects.filter(pk=person.pk)))[0]
    assert row["Company"] == ""


def test_formula_cells_are_neutralised_in_csv(alice):
    make_person(alice, "=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(1+1)")
    row = csv_rows(csv_text(Kind.PERSON, Person.objects.filter(account=alice.account)))[0]
    assert row["Last name"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["First name"] == "'@SUM(1+1)"


def test_formula_cells_are_neutralised_in_xlsx(alice):
    make_person(alice, "=1+1", "-2+3")
    sheet = xlsx_sheet(Kind.PERSON, Person.objects.filter(account=alice.account))
    header = [cell.value for cell in sheet[1]]
    cells = sheet[2]
    last_name, first_name = cells[header.index("Last name")], cells[header.index("First name")]
    # Excel's own way for typed text that looks like a formula: a text cell marked "quote prefix".
    assert (last_name.value, last_name.data_type, last_name.quotePrefix) == ("=1+1", "s", True)
    assert (first_name.value, first_name.data_type, first_name.quotePrefix) == ("-2+3", "s", True)


def test_a_phone_number_in_xlsx_reads_exactly_as_stored_without_an_apostrophe(alice):
    person = make_person(alice, "Müller", "Jürgen")
    sheet = xlsx_sheet(Kind.PERSON, Person.objects.filter(pk=person.pk))
    header = [cell.value for cell in sheet[1]]
    phone = sheet[2][header.index("Phone")]
    assert phone.value == "+49 30 555 0100" and phone.quotePrefix
    assert not sheet[2][header.index("Last name")].quotePrefix


def test_people_exported_as_xlsx_import_again_with_their_phone_numbers_unchanged(alice):
    from tests.transfer.import_files import run

    original = make_person(alice, "Müller", "Jürgen", email="juergen@example.com")
    target = io.BytesIO()
    export.write_xlsx(target, export.COLUMNS[Kind.PERSON],
                      export.rows_of(Kind.PERSON, Person.objects.filter(pk=original.pk)), "Export", tz=BERLIN)
    imp = run(alice.membership, target.getvalue(), "personen.xlsx", duplicates="create")
    assert imp.state == "done" and imp.created == 1, imp.errors
    person = Person.objects.exclude(pk=original.pk).get(account=alice.account)
    assert sorted(d.value for d in person.record.contact_details.filter(kind="phone")) == ["+49 30 555 0100"]


def test_semicolon_variant_uses_semicolons_and_decimal_commas(alice):
    make_deal(alice, "Wartung; Jahresvertrag", value="7500.50")
    text = csv_text(Kind.DEAL, Deal.objects.filter(account=alice.account), export.SEMICOLON)
    assert text.startswith("\ufeffID;Name;Value;")
    row = csv_rows(text, ";")[0]
    assert row["Name"] == "Wartung; Jahresvertrag"
    assert row["Value"] == "7500,50"
    assert row["Total value"] == "7500,50"
    assert row["Target date"] == "2027-03-31"


def test_the_comma_variant_writes_amounts_with_a_decimal_point(alice):
    make_deal(alice, value="1234.5")
    row = csv_rows(csv_text(Kind.DEAL, Deal.objects.filter(account=alice.account)))[0]
    assert (row["Value"], row["State"], row["Probability (%)"]) == ("1234.50", "open", "50")


def test_xlsx_dates_are_dates_and_amounts_are_numbers(alice):
    company = make_company(alice)
    person = make_person(alice, company=company)
    make_deal(alice, value="7500.50", company=company, people=[person])
    sheet = xlsx_sheet(Kind.DEAL, Deal.objects.filter(account=alice.account))
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Value"].value == pytest.approx(7500.5)
    assert row["Value"].data_type == "n"
    assert row["Value"].number_format == "#,##0.00"
    assert row["Target date"].is_date
    assert row["Target date"].value.date() == dt.date(2027, 3, 31)
    assert row["Created"].is_date
    assert row["Company"].value == "Müller & Söhne GmbH"
    assert row["Contact persons"].value == "Jürgen Müller"
    assert sheet.freeze_panes == "A2"


def test_company_and_project_exports_have_their_own_columns(alice):
    company = make_company(alice)
    make_project(alice, company=company, people=[make_person(alice)])
    company_row = csv_rows(csv_text(Kind.COMPANY, Company.objects.filter(account=alice.account)))[0]
    assert (company_row["Name"], company_row["Website"], company_row["Street"]) == (
        "Müller & Söhne GmbH", "https://mueller.example", "Hauptstraße 1")
    project_row = csv_rows(csv_text(Kind.PROJECT, filter_projects(alice.account)))[0]
    assert (project_row["Name"], project_row["Company"], project_row["People"], project_row["Start date"]) == (
        "Webshop 2027", "Müller & Söhne GmbH", "Jürgen Müller", "2027-01-15")


def test_the_export_follows_the_lists_order_and_filters(alice):
    make_person(alice, "Zander", tags=("Kunde",))
    make_person(alice, "Adler", tags=("Kunde",))
    make_person(alice, "Mittel")
    rows = csv_rows(csv_text(Kind.PERSON, filter_people(alice.account, tags=["kunde"])))
    assert [row["Last name"] for row in rows] == ["Adler", "Zander"]


def test_an_export_of_60_people_costs_five_queries_as_one_of_5_does(alice, django_assert_num_queries):
    company = make_company(alice)
    for number in range(60):
        make_person(alice, f"Person{number:03}", company=company, tags=("Kunde",))
    # The people, then per chunk their contact details, addresses, tags and jobs (with companies).
    with django_assert_num_queries(5):
        assert len(csv_rows(csv_text(Kind.PERSON, filter_people(alice.account)))) == 60
    with django_assert_num_queries(5):
        assert len(csv_rows(csv_text(Kind.PERSON, filter_people(alice.account)[:5]))) == 5
    with django_assert_num_queries(5):
        assert len(list(xlsx_sheet(Kind.PERSON, filter_people(alice.account)).rows)) == 61


def test_deal_and_project_exports_cost_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    company = make_company(alice)
    people = [make_person(alice, f"Kontakt{n}") for n in range(3)]
    for number in range(30):
        make_deal(alice, f"Angebot {number}", company=company, people=people)
        make_project(alice, f"Projekt {number}", company=company, people=people)
    with django_assert_max_num_queries(5):
        assert len(csv_rows(csv_text(Kind.DEAL, filter_deals(alice.account)))) == 30
    with django_assert_max_num_queries(5):
        assert len(csv_rows(csv_text(Kind.PROJECT, filter_projects(alice.account)))) == 30


def test_an_empty_list_exports_just_the_heading(alice):
    text = csv_text(Kind.PERSON, Person.objects.none())
    assert text.startswith("\ufeffID,Salutation,Title,First name,Last name,")
    assert text.count("\r\n") == 1


def test_amounts_keep_their_cents_exactly(alice):
    make_deal(alice, value="0.10")
    sheet = xlsx_sheet(Kind.DEAL, Deal.objects.filter(account=alice.account))
    header = [cell.value for cell in sheet[1]]
    assert Decimal(str(sheet[2][header.index("Value")].value)) == Decimal("0.1")
