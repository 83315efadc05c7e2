"""/api/v1/trash: list, restore, empty."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, Person
from kontor.records import actions as record_actions
from kontor.records.models import Record


@pytest.fixture
def trashed(alice):
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Adler"})
    berg = contact_actions.create_company(alice.membership, {"name": "Berg GmbH"})
    record_actions.trash_record(anna.record, alice.membership)
    record_actions.trash_record(berg.record, alice.membership)
    return anna, berg


def test_list_the_trash_newest_first(api, carol, trashed, django_assert_max_num_queries):
    anna, berg = trashed
    with django_assert_max_num_queries(6):
        listed = api(carol).get("/trash").json()
    assert [(item["id"], item["kind"], item["name"]) for item in listed["items"]] == [
        (berg.pk, "company", "Berg GmbH"), (anna.pk, "person", "Anna Adler")]
    assert listed["items"][0]["deleted_by_name"] == "Alice Adler"
    assert listed["items"][0]["purged_at"] > listed["items"][0]["deleted_at"]
    only_people = api(carol).get("/trash", {"kind": "person"}).json()
    assert [item["id"] for item in only_people["items"]] == [anna.pk]


def test_restore_brings_a_record_back(api, bob, trashed):
    anna, _berg = trashed
    response = api(bob).post(f"/trash/{anna.pk}/restore")
    assert response.status_code == 200
    assert response.json() == {"id": anna.pk, "kind": "person", "name": "Anna Adler",
                               "url": f"/api/v1/people/{anna.pk}"}
    assert Person.objects.alive().filter(pk=anna.pk).exists()
    assert api(bob).get(f"/people/{anna.pk}").status_code == 200


def test_member_cannot_restore(api, carol, trashed):
    anna, _berg = trashed
    response = api(carol).post(f"/trash/{anna.pk}/restore")
    assert response.status_code == 403
    assert "restoring" in response.json()["detail"]
    assert Record.objects.get(pk=anna.pk).is_deleted


def test_restoring_what_is_not_in_the_trash_is_not_found(api, alice):
    alive = contact_actions.create_person(alice.membership, {"last_name": "Lebendig"})
    assert api(alice).post(f"/trash/{alive.pk}/restore").status_code == 404


def test_outsider_sees_nothing_of_anothers_trash(api, oscar, trashed):
    anna, _berg = trashed
    assert api(oscar).get("/trash").json()["items"] == []
    response = api(oscar).post(f"/trash/{anna.pk}/restore")
    assert response.status_code == 404
    assert Record.objects.get(pk=anna.pk).is_deleted


def test_admin_empties_the_trash(api, dave, trashed):
    response = api(dave).post("/trash/empty")
    assert response.status_code == 200
    assert response.json() == {"deleted": 2}
    assert not Record.objects.filter(pk__in=[thing.pk for thing in trashed]).exists()


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_only_admins_empty_the_trash(api, request, trashed, persona):
    response = api(request.getfixturevalue(persona)).post("/trash/empty")
    assert response.status_code == 403
    assert Company.objects.filter(pk=trashed[1].pk).exists()


def test_emptying_leaves_another_accounts_trash_alone(api, oscar, trashed):
    assert api(oscar).post("/trash/empty").json() == {"deleted": 0}
    assert Record.objects.filter(pk=trashed[0].pk).exists()


def test_an_unknown_kind_is_refused(api, alice):
    response = api(alice).get("/trash", {"kind": "note"})
    assert response.status_code == 422
