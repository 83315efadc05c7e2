"""/api/v1/deals: the contract scripts and integrations rely on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.deals.models import Deal
from kontor.history.models import Activity, ActivityVerb, Entry
from kontor.projects.models import Project

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berg"})


def _make(persona, name="Relaunch", **fields):
    stage = fields.pop("stage", "0")
    return deal_actions.create_deal(persona.membership, {"name": name, **fields}, stage=stage)


def test_creating_a_deal_with_every_field_answers_201_and_reads_back_the_same(api, alice, bob, firm, anna):
    sent = {"name": "Consulting", "value": "95.00", "value_type": "hourly", "value_count": 40, "currency": "CHF",
            "target_date": "2027-03-31", "state": "open", "probability": 75, "company_id": firm.pk,
            "person_ids": [anna.pk], "colleague_ids": [bob.user.pk], "description": "Two workshops",
            "tags": ["Messe", "Web"], "responsible_id": bob.user.pk}
    response = api(alice).post("/deals", sent)
    assert response.status_code == 201, response.json()
    deal = response.json()
    for field in ("name", "value", "value_type", "value_count", "currency", "target_date", "state", "probability",
                  "company_id", "person_ids", "colleague_ids", "description", "responsible_id"):
        assert deal[field] == sent[field], field
    assert deal["total_value"] == "3800.00"
    assert deal["weighted_value"] == "2850.00"
    assert sorted(deal["tags"]) == ["Messe", "Web"]
    assert deal["closed_at"] is None and deal["project_ids"] == [] and deal["version"] == 1
    assert api(alice).get(f"/deals/{deal['id']}").json() == deal


def test_a_deal_needs_only_a_name_and_takes_the_accounts_currency(api, alice):
    deal = api(alice).post("/deals", {"name": "Relaunch"}).json()
    assert (deal["currency"], deal["state"], deal["probability"], deal["value"]) == ("EUR", "open", 0, "0.00")
    assert deal["responsible_id"] == alice.user.pk


def test_money_may_be_sent_as_a_number_and_always_comes_back_as_a_string(api, alice):
    deal = api(alice).post("/deals", {"name": "Relaunch", "value": 1234.5}).json()
    assert deal["value"] == "1234.50"
    assert Deal.objects.get().value == Decimal("1234.50")


@pytest.mark.parametrize(("body", "loc"), [
    ({}, ["body", "name"]),
    ({"name": "x", "value": "12.345"}, ["body", "value"]),
    ({"name": "x", "value": "-1"}, ["body", "value"]),
    ({"name": "x", "value": "lots"}, ["body", "value"]),
    ({"name": "x", "currency": "XXX"}, ["body", "currency"]),
    ({"name": "x", "probability": 30}, ["body", "probability"]),
    ({"name": "x", "state": "maybe"}, ["body", "state"]),
    ({"name": "x", "value_type": "hourly", "value_count": 0}, ["body", "value_count"]),
    ({"name": "x", "company_id": 999_999}, ["body", "company_id"]),
    ({"name": "x", "person_ids": [999_999]}, ["body", "person_ids", 0]),
    ({"name": "x", "colleague_ids": [999_999]}, ["body", "colleague_ids", 0]),
    ({"name": " "}, ["body", "name"]),
])
def test_bad_input_answers_422_at_its_place_and_creates_nothing(api, alice, body, loc):
    response = api(alice).post("/deals", body)
    assert response.status_code == 422
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert not Deal.objects.exists()


def test_another_accounts_company_and_people_are_unknown(api, alice, oscar):
    foreign = contact_actions.create_company(oscar.membership, {"name": "Outsider AG"})
    stranger = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    response = api(alice).post("/deals", {"name": "x", "company_id": foreign.pk, "person_ids": [stranger.pk],
                                          "colleague_ids": [oscar.user.pk]})
    assert response.status_code == 422
    assert not Deal.objects.exists()


def test_the_list_filters_and_sorts_like_the_deals_page(api, alice, bob, firm):
    small = _make(alice, "Small", value=Decimal("100"), stage="25", target_date=dt.date(2027, 1, 10))
    big = _make(alice, "Big", value=Decimal("9000"), stage="75", target_date=dt.date(2027, 2, 10))
    won = _make(bob, "Won one", value=Decimal("500"), stage="won")
    deal_actions.update_deal(big, alice.membership, {}, company=firm, tags=["Messe", "Web"])
    deal_actions.update_deal(small, alice.membership, {}, tags=["Messe"])
    client = api(alice)

    def names(**params):
        response = client.get("/deals", params)
        assert response.status_code == 200, response.json()
        return [item["name"] for item in response.json()["items"]]

    assert names() == ["Small", "Big", "Won one"]  # by target date, none last
    assert names(order="-value") == ["Big", "Won one", "Small"]
    assert names(order="name") == ["Big", "Small", "Won one"]
    assert names(state="won") == ["Won one"]
    assert names(state="open", responsible_id=alice.user.pk) == ["Small", "Big"]
    assert names(responsible_id=bob.user.pk) == ["Won one"]
    assert names(tag=["Messe", "Web"]) == ["Big"]
    assert names(tag=["Messe"]) == ["Small", "Big"]
    assert names(tag=["Nirgends"]) == []
    assert names(company_id=firm.pk) == ["Big"]
    assert names(q="nordlicht") == ["Big"]
    assert names(target_from="2027-02-01") == ["Big"]
    assert names(target_to="2027-01-31") == ["Small"]
    page = client.get("/deals", {"per_page": 2}).json()
    assert (page["page"], page["per_page"], page["has_next"], len(page["items"])) == (1, 2, True, 2)
    assert won.pk in [item["id"] for item in client.get("/deals", {"page": 2, "per_page": 2}).json()["items"]]


def test_the_list_costs_a_fixed_number_of_queries(api, alice, bob, firm, anna, django_assert_max_num_queries):
    client = api(alice)
    for number in range(6):
        deal = _make(alice, f"Deal {number}", stage="50")
        deal_actions.update_deal(deal, alice.membership, {}, company=firm, people=[anna], colleagues=[bob.user],
                                 tags=["Messe"])
    client.get("/deals")  # warm up the key lookup
    with django_assert_max_num_queries(9):
        response = client.get("/deals", {"tag": "Messe"})
    assert len(response.json()["items"]) == 6


def test_a_change_of_state_is_kept_with_its_time_and_written_into_the_history(api, alice):
    deal = _make(alice, stage="25")
    client = api(alice)
    changed = client.patch(f"/deals/{deal.pk}", {"state": "won", "version": 1}).json()
    assert changed["state"] == "won" and changed["probability"] is None and changed["closed_at"]
    assert changed["version"] == 2
    assert client.get(f"/deals/{deal.pk}/history").json()["items"] == []  # an activity line, not a note
    assert client.get("/activity").json()["items"][0]["verb"] == "state"
    reopened = client.patch(f"/deals/{deal.pk}", {"state": "open"}).json()
    assert (reopened["state"], reopened["probability"], reopened["closed_at"]) == ("open", 25, None)


def test_a_probability_alone_changes_an_open_deal_but_not_a_closed_one(api, alice):
    deal = _make(alice, stage="25")
    client = api(alice)
    assert client.patch(f"/deals/{deal.pk}", {"probability": 50}).json()["probability"] == 50
    deal_actions.lose_deal(Deal.objects.get(pk=deal.pk), alice.membership)
    response = client.patch(f"/deals/{deal.pk}", {"probability": 75})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "probability"]
    assert Deal.objects.get(pk=deal.pk).is_lost


def test_a_stale_change_answers_409_and_changes_nothing(api, alice, bob):
    deal = _make(alice, value=Decimal("100"))
    api(bob).patch(f"/deals/{deal.pk}", {"value": "200", "version": 1})
    response = api(alice).patch(f"/deals/{deal.pk}", {"value": "300", "version": 1})
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert Deal.objects.get().value == Decimal("200.00")


def test_a_change_leaves_what_is_not_sent(api, alice, firm, anna):
    deal = api(alice).post("/deals", {"name": "Relaunch", "company_id": firm.pk, "person_ids": [anna.pk],
                                      "tags": ["Messe"], "target_date": "2027-01-01"}).json()
    changed = api(alice).patch(f"/deals/{deal['id']}", {"name": "Relaunch 2"}).json()
    for field in ("company_id", "person_ids", "tags", "target_date", "value", "currency"):
        assert changed[field] == deal[field], field
    cleared = api(alice).patch(f"/deals/{deal['id']}", {"company_id": None, "person_ids": [], "target_date": None,
                                                        "tags": []}).json()
    assert (cleared["company_id"], cleared["person_ids"], cleared["target_date"], cleared["tags"]) == (
        None, [], None, [])


def test_win_and_lose(api, alice):
    deal = _make(alice, stage="75")
    client = api(alice)
    won = client.post(f"/deals/{deal.pk}/win")
    assert won.status_code == 200
    assert won.json()["state"] == "won" and won.json()["project_id"] is None
    assert client.post(f"/deals/{deal.pk}/win").json()["closed_at"] == won.json()["closed_at"]
    lost = client.post(f"/deals/{deal.pk}/lose").json()
    assert lost["state"] == "lost"
    assert Activity.objects.filter(verb=ActivityVerb.STATE, changes__stage__1="lost").count() == 1
    assert not Entry.objects.exists()


def test_win_can_create_the_project_once(api, alice, bob, firm, anna):
    deal = _make(alice, stage="75", description="Shop and blog")
    deal_actions.update_deal(deal, alice.membership, {}, company=firm, people=[anna], colleagues=[bob.user],
                             tags=["Web"])
    client = api(alice)
    won = client.post(f"/deals/{deal.pk}/win", {"create_project": True}).json()
    project = Project.objects.get()
    assert won["project_id"] == project.pk and won["project_ids"] == [project.pk]
    again = client.post(f"/deals/{deal.pk}/win", {"create_project": True}).json()
    assert again["project_id"] == project.pk
    assert Project.objects.count() == 1
    read = client.get(f"/projects/{project.pk}").json()
    assert (read["name"], read["deal_id"], read["company_id"], read["person_ids"], read["tags"]) == (
        "Relaunch", deal.pk, firm.pk, [anna.pk], ["Web"])


def test_a_member_cannot_delete_a_deal_and_a_power_user_can(api, alice, bob, carol):
    deal = _make(alice)
    response = api(carol).delete(f"/deals/{deal.pk}")
    assert response.status_code == 403
    assert Deal.objects.alive().exists()
    assert api(bob).delete(f"/deals/{deal.pk}").status_code == 204
    assert not Deal.objects.alive().exists()
    assert api(bob).get(f"/deals/{deal.pk}").status_code == 404


def test_members_create_change_win_and_lose_deals(api, carol):
    client = api(carol)
    deal = client.post("/deals", {"name": "Relaunch"}).json()
    assert client.patch(f"/deals/{deal['id']}", {"probability": 50}).status_code == 200
    assert client.post(f"/deals/{deal['id']}/win").status_code == 200


def test_notes_can_be_written_on_deals_and_projects(api, alice):
    deal = _make(alice, stage="won")
    project = api(alice).post("/projects", {"name": "Relaunch"}).json()
    response = api(alice).post("/notes", {"body": "Signed today", "deal_ids": [deal.pk],
                                          "project_ids": [project["id"]]})
    assert response.status_code == 201, response.json()
    assert response.json()["deal_ids"] == [deal.pk]
    assert response.json()["project_ids"] == [project["id"]]
    assert api(alice).get(f"/deals/{deal.pk}/history").json()["items"][0]["body"] == "Signed today"
    wrong_kind = api(alice).post("/notes", {"body": "x", "deal_ids": [project["id"]]})
    assert wrong_kind.status_code == 422


def test_the_history_hides_confidential_entries_from_members(api, alice, carol):
    deal = _make(alice)
    from kontor.history import actions as history_actions

    history_actions.add_note(alice.membership, [deal.record], "Their budget", confidential=True)
    assert api(alice).get(f"/deals/{deal.pk}/history").json()["items"][0]["body"] == "Their budget"
    assert api(carol).get(f"/deals/{deal.pk}/history").json()["items"] == []
