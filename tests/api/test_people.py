"""/api/v1/people: the contract scripts and integrations rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.models import ContactDetail, Person
from kontor.records.models import Record, Tag

FULL_PERSON = {
    "salutation": "ms", "title": "Dr.", "first_name": "Anna", "last_name": "Müller", "gender": "female",
    "language": "de", "background": "Kennt alle in der Branche.", "birthday": "1980-02-29",
    "tags": ["Kunde", "Berlin"],
    "emails": [{"label": "work", "value": "anna@mueller.de"}],
    "phones": [{"label": "work", "value": "+49 30 1234567", "type": "phone"},
               {"label": "private", "value": "0171 2345678", "type": "mobile"},
               {"label": "work", "value": "030 1234568", "type": "fax"}],
    "websites": [{"label": "work", "value": "https://mueller.de"}],
    "messengers": [{"label": "other", "value": "@anna:matrix.org"}],
    "addresses": [{"label": "work", "street": "Hauptstraße 1", "zip": "10115", "city": "Berlin",
                   "state": "Berlin", "country": "Deutschland"}],
    "assistants": [{"name": "Bernd Brandt", "email": "bernd@mueller.de", "phone": "030 1234569"}],
    "important_dates": [{"label": "Firmenjubiläum", "date": "2025-06-01"}],
}


@pytest.fixture
def company(alice):
    return contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})


@pytest.fixture
def anna(alice, company):
    return contact_actions.create_person(
        alice.membership, {"first_name": "Anna", "last_name": "Müller"},
        Details(contact=[DetailData("email", "anna@mueller.de"), DetailData("mobile", "0171 2345678")],
                positions=[PositionData(company, "CEO")]),
        tags=["Kunde"])


def test_creating_a_person_with_every_field_answers_201_and_reads_back_the_same(api, alice, bob, company):
    position = {"company_id": company.pk, "job_title": "CEO", "department": "Vorstand"}
    sent = {**FULL_PERSON, "positions": [position], "responsible_id": bob.user.pk}
    response = api(alice).post("/people", sent)
    assert response.status_code == 201
    person = response.json()
    for field in ("salutation", "title", "first_name", "last_name", "gender", "language", "background",
                  "birthday", "emails", "phones", "websites", "messengers", "addresses", "assistants",
                  "important_dates", "responsible_id"):
        assert person[field] == sent[field], field
    assert sorted(person["tags"]) == ["Berlin", "Kunde"]
    assert person["name"] == "Dr. Anna Müller"
    assert person["positions"] == [{**position, "company_name": "Müller GmbH", "is_primary": True,
                                    "is_former": False}]
    assert person["version"] == 1
    assert api(alice).get(f"/people/{person['id']}").json() == person


def test_a_person_needs_only_a_last_name_and_the_creator_is_responsible(api, alice):
    response = api(alice).post("/people", {"last_name": "Schmidt"})
    assert response.status_code == 201
    assert response.json()["responsible_id"] == alice.user.pk
    assert response.json()["emails"] == [] and response.json()["tags"] == []


@pytest.mark.parametrize("body", [{"first_name": "Anna"}, {"last_name": "   "}, {"last_name": None}])
def test_a_person_without_last_name_is_refused_with_the_field_named(api, alice, body):
    response = api(alice).post("/people", body)
    assert response.status_code == 422
    assert ["body", "last_name"] in [error["loc"] for error in response.json()["detail"]]
    assert not Person.objects.exists()


def test_a_malformed_email_is_refused_at_its_place_in_the_list_and_nothing_is_written(api, alice):
    response = api(alice).post("/people", {"last_name": "Müller", "emails": [
        {"value": "anna@mueller.de"}, {"value": "anna-at-mueller"}], "tags": ["Kunde"]})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "emails", 1, "value"],
                                          "msg": "“anna-at-mueller” is not a valid e-mail address.",
                                          "type": "invalid"}]
    assert not Person.objects.exists() and not Record.objects.exists() and not Tag.objects.exists()


@pytest.mark.parametrize("body, loc", [
    ({"phones": [{"value": "call me maybe"}]}, ["body", "phones", 0, "value"]),
    ({"phones": [{"value": "030 123", "type": "pager"}]}, ["body", "phones", 0, "type"]),
    ({"emails": [{"value": "a@b.de", "label": "home"}]}, ["body", "emails", 0, "label"]),
    ({"websites": [{"value": "not a web address"}]}, ["body", "websites", 0, "value"]),
    ({"addresses": [{"city": "x" * 101}]}, ["body", "addresses", 0, "city"]),
    ({"salutation": "herr"}, ["body", "salutation"]),
    ({"birthday": "29.02.1980"}, ["body", "birthday"]),
    ({"tags": ["ok", "   "]}, ["body", "tags", 1]),
    ({"tags": ["x" * 61]}, ["body", "tags", 0]),
    ({"positions": [{"company_id": 999_999}]}, ["body", "positions", 0, "company_id"]),
    ({"responsible_id": 999_999}, ["body", "responsible_id"]),
    ({"first_name": "An\x00na"}, ["body", "first_name"]),
    ({"emails": "anna@mueller.de"}, ["body", "emails"]),
])
def test_bad_input_is_refused_with_the_place_named(api, alice, body, loc):
    response = api(alice).post("/people", {"last_name": "Müller", **body})
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert loc in [error["loc"] for error in errors]
    assert all(error["msg"] for error in errors)
    assert not Person.objects.exists()


def test_changing_a_person_changes_only_what_is_sent(api, alice, anna):
    response = api(alice).patch(f"/people/{anna.pk}", {"title": "Prof.",
                                                       "emails": [{"value": "anna@neu.de"}]})
    assert response.status_code == 200
    person = response.json()
    assert person["title"] == "Prof." and person["first_name"] == "Anna"
    assert person["emails"] == [{"label": "work", "value": "anna@neu.de"}]
    assert person["phones"] == [{"label": "work", "value": "0171 2345678", "type": "mobile"}]
    assert person["tags"] == ["Kunde"] and len(person["positions"]) == 1
    assert person["version"] == 2


def test_sending_a_list_replaces_it_and_an_empty_list_clears_it(api, alice, anna):
    response = api(alice).patch(f"/people/{anna.pk}", {"phones": [], "tags": ["VIP", "Berlin"],
                                                       "positions": []})
    person = response.json()
    assert person["phones"] == [] and person["positions"] == []
    assert person["emails"] == [{"label": "work", "value": "anna@mueller.de"}]
    assert sorted(person["tags"]) == ["Berlin", "VIP"]
    assert set(Tag.objects.filter(account=alice.account).values_list("name", flat=True)) == {"Kunde", "VIP",
                                                                                             "Berlin"}


def test_a_bad_item_in_a_changed_list_is_refused_and_nothing_changes(api, alice, anna):
    response = api(alice).patch(f"/people/{anna.pk}", {"first_name": "Anne", "phones": [
        {"value": "030 123"}, {"value": "no number"}]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "phones", 1, "value"]
    anna.refresh_from_db()
    assert anna.first_name == "Anna" and anna.record.version == 1
    assert list(ContactDetail.objects.filter(record=anna.record).values_list("kind", flat=True)) == [
        "email", "mobile"]


def test_a_change_from_an_old_version_is_refused_with_409_and_the_current_version(api, alice, bob, anna):
    assert api(bob).patch(f"/people/{anna.pk}", {"first_name": "Anne", "version": 1}).status_code == 200
    response = api(alice).patch(f"/people/{anna.pk}", {"first_name": "Annika", "version": 1})
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert "meantime" in response.json()["detail"]
    anna.refresh_from_db()
    assert anna.first_name == "Anne"


def test_a_change_from_the_current_version_goes_through(api, alice, anna):
    response = api(alice).patch(f"/people/{anna.pk}", {"first_name": "Anne", "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2


def test_the_responsible_user_must_be_an_active_colleague(api, alice, bob, carol, oscar, anna):
    client = api(alice)
    response = client.patch(f"/people/{anna.pk}", {"responsible_id": bob.user.pk})
    assert response.json()["responsible_id"] == bob.user.pk
    account_actions.deactivate_membership(carol.membership, alice.membership)
    for user in (carol.user, oscar.user):
        response = client.patch(f"/people/{anna.pk}", {"responsible_id": user.pk})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "responsible_id"]
    assert client.patch(f"/people/{anna.pk}", {"responsible_id": None}).json()["responsible_id"] is None


def test_a_position_at_another_accounts_company_is_refused(api, alice, oscar, anna):
    theirs = contact_actions.create_company(oscar.membership, {"name": "Outsider AG"})
    response = api(alice).patch(f"/people/{anna.pk}", {"positions": [{"company_id": theirs.pk}]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "There is no company with this id in your account."
    assert anna.positions.get().company.name == "Müller GmbH"


def test_a_power_user_moves_a_person_to_the_trash(api, bob, anna):
    client = api(bob)
    response = client.delete(f"/people/{anna.pk}")
    assert response.status_code == 204 and response.content == b""
    assert Record.objects.get(pk=anna.pk).deleted_at is not None
    assert client.get(f"/people/{anna.pk}").status_code == 404
    assert client.get("/people").json()["items"] == []


def test_a_member_cannot_delete_a_person_and_nothing_changes(api, carol, anna):
    response = api(carol).delete(f"/people/{anna.pk}")
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow deleting records."}
    record = Record.objects.get(pk=anna.pk)
    assert record.deleted_at is None and record.version == 1


def test_a_member_creates_and_changes_people(api, carol, anna):
    client = api(carol)
    assert client.post("/people", {"last_name": "Neu"}).status_code == 201
    assert client.patch(f"/people/{anna.pk}", {"first_name": "Anne"}).status_code == 200


def _people(alice, count: int, **fields) -> list[Person]:
    return [contact_actions.create_person(alice.membership, {"last_name": f"Person {i:02d}", **fields})
            for i in range(count)]


def test_the_list_comes_in_pages_without_counting(api, alice):
    _people(alice, 30)
    client = api(alice)
    first = client.get("/people").json()
    assert (len(first["items"]), first["page"], first["per_page"], first["has_next"]) == (25, 1, 25, True)
    second = client.get("/people", {"page": 2}).json()
    assert (len(second["items"]), second["has_next"]) == (5, False)
    names = [p["last_name"] for p in first["items"] + second["items"]]
    assert names == sorted(names) and len(set(names)) == 30
    exact = client.get("/people", {"per_page": 10, "page": 3}).json()
    assert len(exact["items"]) == 10 and exact["has_next"] is False
    assert client.get("/people", {"page": 9}).json()["items"] == []


@pytest.mark.parametrize("params, loc", [
    ({"per_page": 251}, ["query", "per_page"]),
    ({"per_page": 0}, ["query", "per_page"]),
    ({"page": 0}, ["query", "page"]),
    ({"page": "zwei"}, ["query", "page"]),
    ({"order": "created_at"}, ["query", "order"]),
    ({"tag_id": "Kunde"}, ["query", "tag_id", 0]),
    ({"updated_since": "yesterday"}, ["query", "updated_since"]),
    ({"responsible_id": "me"}, ["query", "responsible_id"]),
    ({"q": "a\x00b"}, ["query", "q"]),
])
def test_bad_list_parameters_are_refused_with_the_parameter_named(api, alice, params, loc):
    response = api(alice).get("/people", params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]


def test_250_people_fit_on_one_page(api, alice):
    assert api(alice).get("/people", {"per_page": 250}).status_code == 200


def test_tags_filter_with_and(api, alice):
    both = contact_actions.create_person(alice.membership, {"last_name": "Beide"}, tags=["Kunde", "Berlin"])
    contact_actions.create_person(alice.membership, {"last_name": "Nur Kunde"}, tags=["Kunde"])
    contact_actions.create_person(alice.membership, {"last_name": "Nur Berlin"}, tags=["Berlin"])
    client = api(alice)
    items = client.get("/people", {"tag": ["Kunde", "berlin"]}).json()["items"]
    assert [p["id"] for p in items] == [both.pk]
    assert len(client.get("/people", {"tag": "Kunde"}).json()["items"]) == 2
    assert client.get("/people", {"tag": ["Kunde", "Unbekannt"]}).json()["items"] == []
    tag_ids = list(Tag.objects.filter(account=alice.account).values_list("pk", flat=True))
    assert [p["id"] for p in client.get("/people", {"tag_id": tag_ids}).json()["items"]] == [both.pk]
    assert client.get("/people", {"tag_id": 999_999}).json()["items"] == []


def test_another_accounts_tag_matches_nothing(api, alice, oscar):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    contact_actions.create_person(oscar.membership, {"last_name": "Ort"}, tags=["Kunde"])
    theirs = Tag.objects.get(account=oscar.account)
    assert api(alice).get("/people", {"tag_id": theirs.pk}).json()["items"] == []


def test_the_text_filter_matches_each_word_of_the_name(api, alice):
    contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"})
    contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Schmidt"})
    client = api(alice)
    assert [p["last_name"] for p in client.get("/people", {"q": "anna müll"}).json()["items"]] == ["Müller"]
    assert len(client.get("/people", {"q": "Anna"}).json()["items"]) == 2


def test_recently_changed_first_and_changed_since(api, alice):
    old, new = _people(alice, 2)
    Record.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    client = api(alice)
    recent = client.get("/people", {"order": "-updated_at"}).json()["items"]
    assert [p["id"] for p in recent] == [new.pk, old.pk]
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert [p["id"] for p in client.get("/people", {"updated_since": since}).json()["items"]] == [new.pk]


def test_the_responsible_and_company_filters(api, alice, bob, company, anna):
    other = contact_actions.create_person(alice.membership, {"last_name": "Bobs"}, responsible=bob.user)
    client = api(alice)
    bobs = client.get("/people", {"responsible_id": bob.user.pk}).json()["items"]
    assert [p["id"] for p in bobs] == [other.pk]
    assert [p["id"] for p in client.get("/people", {"company_id": company.pk}).json()["items"]] == [anna.pk]


def test_the_list_shows_neither_trashed_people_nor_other_accounts(api, alice, bob, oscar, anna):
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg"})
    api(bob).delete(f"/people/{gone.pk}")
    contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    assert [p["id"] for p in api(alice).get("/people").json()["items"]] == [anna.pk]


def test_the_list_costs_the_same_few_queries_for_30_fully_filled_people(api, alice,
                                                                        django_assert_max_num_queries):
    companies = [contact_actions.create_company(alice.membership, {"name": f"Firma {i}"}) for i in range(3)]
    for i in range(30):
        contact_actions.create_person(
            alice.membership, {"first_name": "Anna", "last_name": f"Müller {i:02d}"},
            Details(contact=[DetailData("email", f"anna{i}@example.com"), DetailData("phone", "030 1234567"),
                             DetailData("website", "example.com")],
                    positions=[PositionData(companies[i % 3], "CEO"),
                               PositionData(companies[(i + 1) % 3], "Beirat")]),
            tags=["Kunde", f"Gruppe {i % 4}"])
    client = api(alice)
    client.get("/users/me")  # the key's first use records the time; not part of what is pinned
    # key + membership, the tags' ids and counts (they choose the filter's plan: records/filters.py),
    # the page, then one query each: tags, details, addresses, assistants, dates, positions
    with django_assert_max_num_queries(11):  # + 1 for custom values
        response = client.get("/people", {"per_page": 30, "tag": "Kunde"})
    people = response.json()["items"]
    assert len(people) == 30
    assert all(len(p["positions"]) == 2 and len(p["tags"]) == 2 and len(p["emails"]) == 1 for p in people)


def test_each_listed_person_shows_their_own_lists_as_reading_them_does(api, alice, company):
    client = api(alice)
    for name, kind in (("Nummer", "number"), ("Seit", "date"), ("VIP", "boolean")):
        assert client.post("/custom-fields", {"kind": "person", "name": name, "type": kind}).status_code == 201
    sent = [{**FULL_PERSON, "last_name": "Albers", "positions": [{"company_id": company.pk, "job_title": "CEO"}],
             "custom_fields": {"nummer": 2.5, "seit": "2024-02-29", "vip": True}},
            {"last_name": "Becker", "tags": ["Berlin"], "custom_fields": {"nummer": 7}},
            {**FULL_PERSON, "last_name": "Claasen", "assistants": [], "important_dates": [
                {"label": "Z", "date": "2025-06-01"}, {"label": "A", "date": "2021-01-01"}]}]
    ids = [client.post("/people", body).json()["id"] for body in sent]
    listed = client.get("/people").json()["items"]
    assert [person["id"] for person in listed] == ids
    assert listed == [client.get(f"/people/{person_id}").json() for person_id in ids]
    assert [person["custom_fields"] for person in listed] == [
        {"nummer": 2.5, "seit": "2024-02-29", "vip": True}, {"nummer": 7}, {}]
    assert [len(person["assistants"]) for person in listed] == [1, 0, 0]
    assert [d["label"] for d in listed[2]["important_dates"]] == ["A", "Z"]


def test_reading_one_person_costs_a_fixed_number_of_queries(api, alice, anna, django_assert_max_num_queries):
    client = api(alice)
    client.get("/users/me")
    with django_assert_max_num_queries(10):  # + 1 for custom values
        assert client.get(f"/people/{anna.pk}").status_code == 200
