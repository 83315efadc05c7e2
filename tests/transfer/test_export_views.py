"""The export pages: who may export what, the list's filters carried into the file, the menu on the
lists and the vCard link on record pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kontor.contacts.models import Person
from kontor.records.actions import trash_record
from tests.transfer.export_world import make_company, make_deal, make_person, make_project, read_vcards


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(response, delimiter: str = ",") -> list[dict[str, str]]:
    text = body(response).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture
def world(alice):
    company = make_company(alice)
    kunde = make_person(alice, "Müller", "Jürgen", company=company, tags=("Kunde",))
    other = make_person(alice, "Schmidt", "Erika")
    return {"company": company, "kunde": kunde, "other": other}


def test_member_may_not_export_a_list(carol, world):
    response = carol.client.get(reverse("export:people"), {"format": "csv"})
    assert response.status_code == 403
    assert "single vCard" in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "dave", "alice"])
def test_power_users_admins_and_owners_export_lists(persona, world, request):
    client = request.getfixturevalue(persona).client
    response = client.get(reverse("export:people"), {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="people-')
    assert sorted(row["Last name"] for row in rows_of(response)) == ["Müller", "Schmidt"]


def test_member_may_download_one_persons_vcard(carol, world):
    response = carol.client.get(reverse("export:person_vcard", args=[world["kunde"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="jurgen-muller.vcf"'
    card = read_vcards(response.content.decode("utf-8"))[0]
    assert card["FN"] == [("", "Jürgen Müller")]


def test_member_may_download_one_companys_vcard(carol, world):
    response = carol.client.get(reverse("export:company_vcard", args=[world["company"].pk]))
    assert response.status_code == 200
    assert read_vcards(response.content.decode("utf-8"))[0]["X-ABSHOWAS"] == [("", "COMPANY")]


def test_outsider_gets_404_for_a_vcard_and_exports_only_their_own_people(oscar, world):
    assert oscar.client.get(reverse("export:person_vcard", args=[world["kunde"].pk])).status_code == 404
    assert oscar.client.get(reverse("export:company_vcard", args=[world["company"].pk])).status_code == 404
    make_person(oscar, "Ort", "Otto")
    response = oscar.client.get(reverse("export:people"), {"format": "csv"})
    assert [row["Last name"] for row in rows_of(response)] == ["Ort"]


def test_a_person_in_the_trash_has_no_vcard(bob, world):
    trash_record(world["other"].record, bob.membership)
    assert bob.client.get(reverse("export:person_vcard", args=[world["other"].pk])).status_code == 404


def test_the_tag_filter_exports_only_tagged_people(bob, world):
    response = bob.client.get(reverse("export:people"), {"format": "csv", "tag": "Kunde"})
    assert [row["Last name"] for row in rows_of(response)] == ["Müller"]


def test_the_name_and_company_filters_are_honoured(bob, world):
    response = bob.client.get(reverse("export:people"), {"format": "csv", "q": "eri"})
    assert [row["Last name"] for row in rows_of(response)] == ["Schmidt"]
    response = bob.client.get(reverse("export:people"), {"format": "csv", "company": world["company"].pk})
    assert [row["Last name"] for row in rows_of(response)] == ["Müller"]


def test_every_page_is_exported_not_just_the_one_shown(bob):
    for number in range(55):
        make_person(bob, f"Person{number:02}")
    response = bob.client.get(reverse("export:people"), {"format": "csv", "page": "1"})
    assert len(rows_of(response)) == 55


def test_the_semicolon_variant_for_german_excel(bob, world):
    response = bob.client.get(reverse("export:people"), {"format": "csv", "delimiter": "semicolon"})
    data = body(response)
    assert data.startswith("\ufeffID;".encode())
    assert {row["Last name"] for row in rows_of_text(data, ";")} == {"Müller", "Schmidt"}


def rows_of_text(data: bytes, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"), newline=""),
                               delimiter=delimiter))


def test_people_export_as_excel_and_vcard(bob, world):
    response = bob.client.get(reverse("export:people"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert sheet.max_row == 3
    response = bob.client.get(reverse("export:people"), {"format": "vcf", "tag": "Kunde"})
    cards = read_vcards(body(response).decode("utf-8"))
    assert [card["FN"][0][1] for card in cards] == ["Jürgen Müller"]


def test_companies_deals_and_projects_export_with_their_filters(bob, world):
    make_deal(bob, "Gewonnen", company=world["company"])
    make_deal(bob, "Anderes")
    make_project(bob, "Webshop")
    companies = rows_of(bob.client.get(reverse("export:companies"), {"format": "csv"}))
    assert [row["Name"] for row in companies] == ["Müller & Söhne GmbH"]
    deals = rows_of(bob.client.get(reverse("export:deals"), {"format": "csv", "company": world["company"].pk}))
    assert [row["Name"] for row in deals] == ["Gewonnen"]
    projects = rows_of(bob.client.get(reverse("export:projects"), {"format": "csv", "status": "starting"}))
    assert [row["Name"] for row in projects] == ["Webshop"]


def test_deals_have_no_vcard_and_an_unknown_format_is_refused_with_a_message(bob, world):
    response = bob.client.get(reverse("export:deals"), {"format": "vcf"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("deals:list")
    assert "not offered" in response.content.decode()
    response = bob.client.get(reverse("export:people"), {"format": "pdf"})
    assert response.status_code == 302


def test_the_list_offers_the_export_menu_with_its_filters_to_power_users(bob, carol, world):
    page = bob.client.get(reverse("people:list"), {"tag": "Kunde", "page": "1"}).content.decode()
    assert 'data-testid="export-menu"' in page
    assert f'{reverse("export:people")}?tag=Kunde&amp;format=csv"' in page
    assert "delimiter=semicolon" in page and "format=xlsx" in page and "format=vcf" in page
    member_page = carol.client.get(reverse("people:list")).content.decode()
    assert 'data-testid="export-menu"' not in member_page


def test_the_menu_follows_the_filters_when_the_list_is_updated_in_place(bob, world):
    page = bob.client.get(reverse("people:list"), {"q": "Mül"}, headers={"HX-Request": "true",
                                                                       "HX-Target": "results"})
    assert "q=M%C3%BCl&amp;format=csv" in page.content.decode()


def test_deal_and_project_lists_offer_csv_and_excel_only(bob, world):
    make_deal(bob)
    make_project(bob)
    for name in ("deals:list", "projects:list"):
        page = bob.client.get(reverse(name)).content.decode()
        assert "format=xlsx" in page
        assert "format=vcf" not in page


def test_person_and_company_pages_offer_a_vcard(carol, world):
    page = carol.client.get(reverse("people:detail", args=[world["kunde"].pk])).content.decode()
    assert reverse("export:person_vcard", args=[world["kunde"].pk]) in page
    page = carol.client.get(reverse("companies:detail", args=[world["company"].pk])).content.decode()
    assert reverse("export:company_vcard", args=[world["company"].pk]) in page


def test_the_export_speaks_the_users_language(bob, world):
    bob.user.language = "de"
    bob.user.save(update_fields=["language"])
    response = bob.client.get(reverse("export:people"), {"format": "csv"})
    assert response["Content-Disposition"].startswith('attachment; filename="personen-')
    header = body(response).decode("utf-8").splitlines()[0]
    assert "Firma" in header and "Geburtstag" in header


def test_an_anonymous_visitor_is_sent_to_the_login(client, world):
    response = client.get(reverse("export:people"), {"format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Person.objects.count() == 2


def _people_of(account) -> set[tuple[str, str, frozenset[str], frozenset[str], str]]:
    """(first name, last name, e-mails, phone numbers, primary company) of each live person."""
    people = set()
    for person in Person.objects.filter(account=account).alive().prefetch_related(
            "record__contact_details", "positions__company"):
        details = list(person.record.contact_details.all())
        jobs = [p.company.name for p in person.positions.all() if p.is_primary]
        people.add((person.first_name, person.last_name,
                    frozenset(d.value for d in details if d.kind == "email"),
                    frozenset(d.value for d in details if d.kind in ("phone", "mobile")), jobs[0] if jobs else ""))
    return people


def _round_trip(alice, oscar, file_format: str, file_name: str):
    from tests.transfer.import_files import run

    data = body(alice.client.get(reverse("export:people"), {"format": file_format}))
    imp = run(oscar.membership, data, file_name)
    assert imp.state == "done", imp.message
    assert _people_of(oscar.account) == _people_of(alice.account)
    assert len(_people_of(oscar.account)) == 2
    return imp


def test_people_exported_as_vcard_import_into_another_account_unchanged(alice, oscar, world):
    imp = _round_trip(alice, oscar, "vcf", "people.vcf")
    assert imp.error_count == 0


def test_people_exported_as_csv_import_into_another_account_unchanged(alice, oscar, world):
    imp = _round_trip(alice, oscar, "csv", "people.csv")
    # Only the responsible colleague cannot travel: nobody of that name works in the other account.
    assert {error["column"] for error in imp.errors} <= {"Responsible"}


@pytest.fixture
def custom_fields(alice, world):
    from decimal import Decimal

    from kontor.records.custom_fields import create_custom_field, set_custom_values
    from kontor.records.models import FieldType, Kind

    by = alice.membership
    number = create_custom_field(by, Kind.PERSON, "Kundennummer", FieldType.TEXT)
    size = create_custom_field(by, Kind.PERSON, "Größe", FieldType.NUMBER)
    vip = create_custom_field(by, Kind.PERSON, "VIP", FieldType.BOOLEAN)
    set_custom_values(world["kunde"].record, by, {number: "=K-4711", size: Decimal("182.5"), vip: True})
    set_custom_values(world["other"].record, by, {number: "K-4712", size: Decimal("100")})
    return {"number": number, "size": size, "vip": vip}


def test_custom_fields_are_columns_after_the_usual_ones(bob, world, custom_fields):
    rows = {row["Last name"]: row for row in rows_of(bob.client.get(reverse("export:people"), {"format": "csv"}))}
    custom = {name: (row["Kundennummer"], row["Größe"], row["VIP"]) for name, row in rows.items()}
    assert custom == {"Müller": ("'=K-4711", "182.5", "Yes"), "Schmidt": ("K-4712", "100", "")}
    sheet = load_workbook(io.BytesIO(body(bob.client.get(reverse("export:people"), {"format": "xlsx"})))).active
    header = [cell.value for cell in sheet[1]]
    assert header[-3:] == ["Kundennummer", "Größe", "VIP"]
    sizes = {row[header.index("Last name")].value: row[header.index("Größe")] for row in sheet.iter_rows(min_row=2)}
    assert sizes["Müller"].data_type == "n" and sizes["Müller"].value == 182.5


def test_the_custom_field_filters_of_the_list_are_honoured(bob, world, custom_fields):
    response = bob.client.get(reverse("export:people"), {"format": "csv", "custom.kundennummer": "K-4712"})
    assert [row["Last name"] for row in rows_of(response)] == ["Schmidt"]
    response = bob.client.get(reverse("export:people"), {"format": "csv", "custom.groesse.gt": "150"})
    assert [row["Last name"] for row in rows_of(response)] == ["Müller"]


def test_custom_fields_cost_one_query_per_chunk(bob, world, custom_fields, django_assert_num_queries):
    from kontor.contacts.queries import filter_people
    from kontor.records.custom_fields import fields_of
    from kontor.records.models import Kind
    from kontor.transfer import export

    for number in range(60):
        make_person(bob, f"Person{number:02}")
    fields = fields_of(bob.account, Kind.PERSON)
    with django_assert_num_queries(6):
        text = b"".join(export.csv_pieces(export.columns_for(Kind.PERSON, fields),
                                          export.rows_of(Kind.PERSON, filter_people(bob.account), fields)))
    assert len(rows_of_text(text, ",")) == 62
