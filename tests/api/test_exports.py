"""GET /api/v1/{people|companies|deals|projects}/export: the list's filters, the formats, the rights."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.transfer.export_world import make_company, make_deal, make_person, make_project, read_vcards


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(response, delimiter: str = ",") -> list[dict[str, str]]:
    return rows_in(body(response), delimiter)


def rows_in(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    text = data.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture
def world(alice):
    company = make_company(alice)
    kunde = make_person(alice, "Müller", "Jürgen", company=company, tags=("Kunde",))
    make_person(alice, "Schmidt", "Erika")
    make_deal(alice, "Relaunch", company=company, people=[kunde])
    make_deal(alice, "Wartung", value="99.90")
    make_project(alice, "Webshop", company=company)
    return {"company": company, "kunde": kunde}


def test_member_gets_403_for_a_list_export(api, carol, world):
    response = api(carol).get("/people/export")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow exporting lists."}


def test_power_user_exports_people_as_csv_with_the_tag_filter(api, bob, world):
    response = api(bob).get("/people/export", {"format": "csv", "tag": "Kunde"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    assert [row["Last name"] for row in rows_in(data)] == ["Müller"]


def test_a_tag_id_that_names_no_tag_exports_only_the_heading(api, bob, world):
    response = api(bob).get("/people/export", {"tag_id": 999_999})
    assert response.status_code == 200
    assert rows_of(response) == []


def test_the_same_filters_as_the_list_select_the_same_people(api, bob, world):
    listed = api(bob).get("/people", {"q": "mül", "company_id": world["company"].pk}).json()["items"]
    exported = rows_of(api(bob).get("/people/export", {"q": "mül", "company_id": world["company"].pk}))
    assert [row["ID"] for row in exported] == [str(person["id"]) for person in listed]


def test_people_and_companies_export_as_vcard(api, bob, world):
    cards = read_vcards(body(api(bob).get("/people/export", {"format": "vcf"})).decode("utf-8"))
    assert sorted(card["FN"][0][1] for card in cards) == ["Erika Schmidt", "Jürgen Müller"]
    response = api(bob).get("/companies/export", {"format": "vcf"})
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert read_vcards(body(response).decode("utf-8"))[0]["X-ABSHOWAS"] == [("", "COMPANY")]


def test_deals_export_as_excel_with_numbers_and_their_filters(api, bob, world):
    response = api(bob).get("/deals/export", {"format": "xlsx", "company_id": world["company"].pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.max_row == 2
    assert sheet[2][header.index("Name")].value == "Relaunch"
    assert sheet[2][header.index("Value")].data_type == "n"


def test_deals_in_the_semicolon_variant(api, bob, world):
    response = api(bob).get("/deals/export", {"delimiter": "semicolon", "q": "Wartung"})
    assert rows_of(response, ";")[0]["Value"] == "99,90"


def test_projects_export_with_their_status_filter(api, bob, world):
    assert [row["Name"] for row in rows_of(api(bob).get("/projects/export", {"status": "starting"}))] == ["Webshop"]
    assert rows_of(api(bob).get("/projects/export", {"status": "closed"})) == []


def test_deals_and_projects_have_no_vcard(api, bob, world):
    for path in ("/deals/export", "/projects/export"):
        response = api(bob).get(path, {"format": "vcf"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "format"]


def test_an_unknown_format_is_a_422(api, bob, world):
    response = api(bob).get("/people/export", {"format": "pdf"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "format"]


def test_the_outsider_exports_only_their_own_account(api, oscar, world):
    make_person(oscar, "Ort", "Otto")
    assert [row["Last name"] for row in rows_of(api(oscar).get("/people/export"))] == ["Ort"]
    assert rows_of(api(oscar).get("/deals/export")) == []


def test_the_export_routes_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name in ("people", "companies", "deals", "projects"):
        assert "get" in paths[f"/api/v1/{name}/export"]


def test_the_custom_field_filters_of_the_list_are_honoured(api, alice, bob, world):
    from kontor.records.custom_fields import create_custom_field, set_custom_values
    from kontor.records.models import FieldType, Kind

    field = create_custom_field(alice.membership, Kind.PERSON, "Kundennummer", FieldType.TEXT)
    set_custom_values(world["kunde"].record, alice.membership, {field: "K-4711"})
    response = api(bob).get("/people/export", {"custom.kundennummer": "K-4711"})
    assert [(row["Last name"], row["Kundennummer"]) for row in rows_of(response)] == [("Müller", "K-4711")]
