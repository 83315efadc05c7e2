"""/api/v1/companies."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.models import Company
from kontor.records.models import Record


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Müller GmbH"},
                                          Details(contact=[DetailData("email", "info@mueller.de")]),
                                          tags=["Kunde"])


def test_creating_a_company_answers_201_and_reads_back_the_same(api, alice):
    sent = {"name": "Schmidt & Partner", "background": "Steuerberatung seit 1950.", "tags": ["Partner"],
            "emails": [{"label": "work", "value": "info@schmidt.de"}],
            "phones": [{"label": "work", "value": "089 123456", "type": "phone"},
                       {"label": "work", "value": "089 123457", "type": "fax"}],
            "websites": [{"label": "work", "value": "https://schmidt.de"}], "messengers": [],
            "addresses": [{"label": "invoice", "street": "Marienplatz 1", "zip": "80331", "city": "München",
                           "state": "Bayern", "country": "Deutschland"}]}
    response = api(alice).post("/companies", sent)
    assert response.status_code == 201
    company = response.json()
    assert {field: company[field] for field in sent} == sent
    assert company["people"] == [] and company["version"] == 1 and company["responsible_id"] == alice.user.pk
    assert api(alice).get(f"/companies/{company['id']}").json() == company


def test_a_company_without_a_name_is_refused(api, alice):
    for body in ({}, {"name": ""}, {"name": "x" * 201}):
        response = api(alice).post("/companies", body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert not Company.objects.exists()


def test_a_company_lists_its_current_and_former_people(api, alice, firm):
    contact_actions.create_person(alice.membership, {"first_name": "Zoe", "last_name": "Ahrens"},
                                  Details(positions=[PositionData(firm, "Einkauf", is_former=True)]))
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"},
                                         Details(positions=[PositionData(firm, "CEO", "Vorstand")]))
    people = api(alice).get(f"/companies/{firm.pk}").json()["people"]
    assert [(p["person_name"], p["job_title"], p["is_former"]) for p in people] == [
        ("Anna Müller", "CEO", False), ("Zoe Ahrens", "Einkauf", True)]
    assert people[0] == {"person_id": anna.pk, "person_name": "Anna Müller", "job_title": "CEO",
                         "department": "Vorstand", "is_primary": True, "is_former": False}


def test_changing_a_company_keeps_what_is_not_sent(api, alice, firm):
    response = api(alice).patch(f"/companies/{firm.pk}", {"name": "Müller & Söhne GmbH",
                                                          "phones": [{"value": "030 1234"}]})
    assert response.status_code == 200
    company = response.json()
    assert company["name"] == "Müller & Söhne GmbH"
    assert company["emails"] == [{"label": "work", "value": "info@mueller.de"}]
    assert company["phones"] == [{"label": "work", "value": "030 1234", "type": "phone"}]
    assert company["tags"] == ["Kunde"] and company["version"] == 2


def test_a_stale_change_of_a_company_is_refused_with_409(api, alice, bob, firm):
    api(bob).patch(f"/companies/{firm.pk}", {"background": "Neu", "version": 1})
    response = api(alice).patch(f"/companies/{firm.pk}", {"name": "Anders", "version": 1})
    assert response.status_code == 409 and response.json()["version"] == 2
    firm.refresh_from_db()
    assert firm.name == "Müller GmbH"


def test_a_power_user_trashes_a_company_and_a_member_cannot(api, bob, carol, firm):
    assert api(carol).delete(f"/companies/{firm.pk}").status_code == 403
    assert Record.objects.get(pk=firm.pk).deleted_at is None
    assert api(bob).delete(f"/companies/{firm.pk}").status_code == 204
    assert Record.objects.get(pk=firm.pk).deleted_at is not None


def test_the_company_list_filters_and_pages(api, alice, firm):
    contact_actions.create_company(alice.membership, {"name": "Schmidt AG"}, tags=["Kunde", "Bayern"])
    contact_actions.create_company(alice.membership, {"name": "Bäckerei Weber"})
    client = api(alice)
    listed = client.get("/companies").json()
    assert [c["name"] for c in listed["items"]] == ["Bäckerei Weber", "Müller GmbH", "Schmidt AG"]
    assert [c["name"] for c in client.get("/companies", {"tag": ["kunde", "Bayern"]}).json()["items"]] == [
        "Schmidt AG"]
    assert [c["name"] for c in client.get("/companies", {"q": "müller"}).json()["items"]] == ["Müller GmbH"]
    page = client.get("/companies", {"per_page": 2, "page": 2}).json()
    assert ([c["name"] for c in page["items"]], page["has_next"]) == (["Schmidt AG"], False)
    assert client.get("/companies", {"per_page": 1000}).status_code == 422
    assert client.get("/companies", {"order": "random"}).status_code == 422


def test_each_listed_company_shows_its_own_lists_as_reading_it_does(api, alice, firm):
    other = contact_actions.create_company(alice.membership, {"name": "Zander AG"},
                                           Details(contact=[DetailData("phone", "030 1")]), tags=["Berlin", "Kunde"])
    contact_actions.create_person(alice.membership, {"title": "Dr.", "last_name": "Meier"},
                                  Details(positions=[PositionData(firm, "CEO"), PositionData(other, "Beirat")]))
    client = api(alice)
    listed = client.get("/companies").json()["items"]
    assert [company["id"] for company in listed] == [firm.pk, other.pk]
    assert listed == [client.get(f"/companies/{company.pk}").json() for company in (firm, other)]
    assert [company["people"][0]["job_title"] for company in listed] == ["CEO", "Beirat"]
    assert listed[0]["people"][0]["person_name"] == "Dr. Meier"
    assert (listed[0]["emails"], listed[1]["phones"]) == ([{"label": "work", "value": "info@mueller.de"}],
                                                          [{"label": "work", "value": "030 1", "type": "phone"}])


def test_the_company_list_costs_a_fixed_number_of_queries(api, alice, django_assert_max_num_queries):
    for i in range(20):
        email = DetailData("email", f"info{i}@example.com")
        company = contact_actions.create_company(alice.membership, {"name": f"Firma {i:02d}"},
                                                 Details(contact=[email]), tags=["Kunde"])
        contact_actions.create_person(alice.membership, {"last_name": f"Person {i}"},
                                      Details(positions=[PositionData(company, "CEO")]))
    client = api(alice)
    client.get("/users/me")
    # key + membership, the page, then one query each: tags, details, addresses, people
    with django_assert_max_num_queries(8):  # + 1 for custom values
        items = client.get("/companies", {"per_page": 20}).json()["items"]
    assert len(items) == 20 and all(len(c["people"]) == 1 for c in items)
