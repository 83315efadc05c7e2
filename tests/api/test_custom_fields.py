"""/api/v1/custom-fields, and custom values in the record routes."""

from __future__ import annotations

import datetime as dt

import pytest

from kontor.contacts import actions as contact_actions
from kontor.records import custom_fields
from kontor.records.models import CustomField, CustomValue, FieldType, Kind


@pytest.fixture
def fields(alice) -> dict[str, CustomField]:
    by = alice.membership
    return {
        "number": custom_fields.create_custom_field(by, Kind.PERSON, "Kundennummer", FieldType.TEXT),
        "size": custom_fields.create_custom_field(by, Kind.PERSON, "Größe", FieldType.NUMBER),
        "since": custom_fields.create_custom_field(by, Kind.PERSON, "Kunde seit", FieldType.DATE),
        "level": custom_fields.create_custom_field(by, Kind.PERSON, "Stufe", FieldType.SELECT,
                                                   options=["Gold", "Silber"]),
        "vip": custom_fields.create_custom_field(by, Kind.PERSON, "VIP", FieldType.BOOLEAN),
    }


def test_an_admin_creates_a_field_and_gets_its_key(api, dave):
    response = api(dave).post("/custom-fields", {"kind": "person", "name": "Größe", "type": "number",
                                                 "help": "in cm"})
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "key": "groesse", "kind": "person", "name": "Größe", "type": "number",
                    "options": [], "help": "in cm", "position": 1}


def test_a_member_may_read_but_not_create_fields(api, carol, fields):
    assert api(carol).post("/custom-fields", {"kind": "person", "name": "X", "type": "text"}).status_code == 403
    listed = api(carol).get("/custom-fields", {"kind": "person"}).json()["items"]
    assert [f["key"] for f in listed] == ["kundennummer", "groesse", "kunde_seit", "stufe", "vip"]


def test_a_select_without_choices_is_422_at_options(api, alice):
    response = api(alice).post("/custom-fields", {"kind": "deal", "name": "Quelle", "type": "select"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "options"]


def test_renaming_and_moving_a_field_keeps_its_key(api, alice, fields):
    response = api(alice).patch(f"/custom-fields/{fields['vip'].pk}", {"name": "Wichtig", "position": 1})
    assert response.status_code == 200
    assert (response.json()["key"], response.json()["name"], response.json()["position"]) == ("vip", "Wichtig", 1)
    assert api(alice).patch(f"/custom-fields/{fields['vip'].pk}", {"options": ["a"]}).status_code == 422


def test_a_name_left_out_stays_and_a_name_sent_as_null_is_422(api, alice, fields):
    client = api(alice)
    assert client.patch(f"/custom-fields/{fields['vip'].pk}", {"help": "Nur Stammkunden"}).json()["name"] == "VIP"
    response = client.patch(f"/custom-fields/{fields['vip'].pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    fields["vip"].refresh_from_db()
    assert fields["vip"].name == "VIP"


def test_deleting_a_field_takes_its_values(api, alice, fields):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    custom_fields.set_custom_values(person.record, alice.membership, {fields["number"]: "K-1"})
    assert api(alice).delete(f"/custom-fields/{fields['number'].pk}").status_code == 204
    assert not CustomValue.objects.exists()


def test_another_accounts_field_is_404(api, oscar, fields):
    assert api(oscar).get(f"/custom-fields/{fields['number'].pk}").status_code == 404
    assert api(oscar).patch(f"/custom-fields/{fields['number'].pk}", {"name": "x"}).status_code == 404
    assert api(oscar).delete(f"/custom-fields/{fields['number'].pk}").status_code == 404
    assert api(oscar).get("/custom-fields").json()["items"] == []


def test_a_person_is_created_and_read_with_typed_custom_values(api, alice, fields):
    response = api(alice).post("/people", {"last_name": "Meier", "custom_fields": {
        "kundennummer": "K-4711", "groesse": 182.5, "kunde_seit": "2020-05-01", "stufe": "gold", "vip": True}})
    assert response.status_code == 201
    assert response.json()["custom_fields"] == {"kundennummer": "K-4711", "groesse": 182.5,
                                                "kunde_seit": "2020-05-01", "stufe": "Gold", "vip": True}
    person_id = response.json()["id"]
    assert api(alice).get(f"/people/{person_id}").json()["custom_fields"]["groesse"] == 182.5


def test_changing_sets_the_keys_given_and_null_clears_one(api, alice, fields):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    custom_fields.set_custom_values(person.record, alice.membership, {fields["number"]: "K-1", fields["size"]: 3})
    response = api(alice).patch(f"/people/{person.pk}", {"custom_fields": {"groesse": None, "vip": False}})
    assert response.status_code == 200
    assert response.json()["custom_fields"] == {"kundennummer": "K-1", "vip": False}


def test_a_wrong_type_or_an_unknown_option_is_422_naming_the_field(api, alice, fields):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    response = api(alice).patch(f"/people/{person.pk}", {
        "first_name": "Hans", "custom_fields": {"groesse": "groß", "stufe": "Bronze", "nope": 1}})
    assert response.status_code == 422
    places = sorted(tuple(error["loc"]) for error in response.json()["detail"])
    assert places == [("body", "custom_fields", "groesse"), ("body", "custom_fields", "nope"),
                      ("body", "custom_fields", "stufe")]
    person.refresh_from_db()
    assert person.first_name == "" and not CustomValue.objects.exists()


def test_another_accounts_keys_are_unknown(api, oscar, fields):
    response = api(oscar).post("/people", {"last_name": "Ort", "custom_fields": {"kundennummer": "K-1"}})
    assert response.status_code == 422
    assert not CustomValue.objects.exists()


def test_a_stale_change_writes_no_custom_values(api, alice, bob, fields):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    contact_actions.update_person(person, bob.membership, {"first_name": "Hans"})
    response = api(alice).patch(f"/people/{person.pk}", {"version": 1, "custom_fields": {"kundennummer": "K-1"}})
    assert response.status_code == 409
    assert not CustomValue.objects.exists()


def test_deals_projects_and_companies_carry_custom_fields_too(api, alice):
    for kind, path, body in (("deal", "/deals", {"name": "Relaunch"}), ("project", "/projects", {"name": "Umbau"}),
                             ("company", "/companies", {"name": "Nordlicht"})):
        custom_fields.create_custom_field(alice.membership, kind, "Quelle", FieldType.TEXT)
        response = api(alice).post(path, {**body, "custom_fields": {"quelle": "Messe"}})
        assert response.status_code == 201, response.json()
        assert response.json()["custom_fields"] == {"quelle": "Messe"}
        listed = api(alice).get(path).json()["items"]
        assert listed[0]["custom_fields"] == {"quelle": "Messe"}


# -- list filters ---------------------------------------------------------------------------------------

@pytest.fixture
def listed(alice, fields):
    for name, number, size, tags in (("Adler", "K-4711", 182, ["Kunde"]), ("Berger", "K-4712", 170, ["Kunde"]),
                                     ("Clausen", "X-1", 190, [])):
        person = contact_actions.create_person(alice.membership, {"last_name": name}, tags=tags)
        custom_fields.set_custom_values(person.record, alice.membership,
                                        {fields["number"]: number, fields["size"]: size})


def listed_names(client, params) -> list[str]:
    response = client.get("/people", params)
    assert response.status_code == 200
    return [person["last_name"] for person in response.json()["items"]]


def test_people_are_filtered_by_custom_fields_with_tags(api, alice, listed):
    client = api(alice)
    assert listed_names(client, {"custom.kundennummer": "K-4711"}) == ["Adler"]
    assert listed_names(client, {"custom.kundennummer.contains": "471", "tag": "Kunde"}) == ["Adler", "Berger"]
    assert listed_names(client, {"custom.groesse.gt": "171", "custom.groesse.lt": "185"}) == ["Adler"]
    assert listed_names(client, {"custom.groesse.gt": "171", "tag": "Kunde"}) == ["Adler"]


def test_another_accounts_keys_filter_nothing_and_leak_nothing(api, oscar, listed):
    contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    assert listed_names(api(oscar), {"custom.kundennummer": "K-4711"}) == ["Ort"]


def test_every_list_endpoint_filters_by_custom_fields(api, alice):
    for kind, path, made in (("company", "/companies", "name"), ("deal", "/deals", "name"),
                             ("project", "/projects", "name")):
        field = custom_fields.create_custom_field(alice.membership, kind, "Quelle", FieldType.TEXT)
        client = api(alice)
        for value in ("Messe", "Web"):
            response = client.post(path, {made: f"{kind} {value}", "custom_fields": {"quelle": value}})
            assert response.status_code == 201
        found = client.get(path, {"custom.quelle": "messe"}).json()["items"]
        assert [item["name"] for item in found] == [f"{kind} Messe"], field.key


def test_the_forecast_follows_custom_filters(api, alice):
    custom_fields.create_custom_field(alice.membership, "deal", "Quelle", FieldType.TEXT)
    client = api(alice)
    for value, amount in (("Messe", 1000), ("Web", 500)):
        client.post("/deals", {"name": value, "value": amount, "state": "won",
                               "target_date": dt.date.today().isoformat(), "custom_fields": {"quelle": value}})
    body = client.get("/deals/forecast", {"custom.quelle": "Web"}).json()
    assert sum(float(month["won"]) for month in body["months"]) == 500
