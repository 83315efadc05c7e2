"""Following records through the API: /{people|companies|deals|projects}/{id}/follow and /following."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.notifications.models import Notification
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.records.models import Watch


@pytest.fixture
def records(alice):
    person = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Adler"})
    company = contact_actions.create_company(alice.membership, {"name": "Berg GmbH"})
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, stage="won", people=[person])
    project = project_actions.create_project_from_deal(deal, alice.membership)
    return {"people": person, "companies": company, "deals": deal, "projects": project}


@pytest.mark.parametrize("resource", ["people", "companies", "deals", "projects"])
def test_follow_and_unfollow_each_kind_of_record(api, carol, records, resource):
    record = records[resource].record
    client = api(carol)
    response = client.post(f"/{resource}/{record.pk}/follow")
    assert response.status_code == 200
    assert response.json() == {"record_id": record.pk, "kind": record.kind, "following": True}
    assert Watch.objects.filter(record=record, user=carol.user).count() == 1
    assert client.post(f"/{resource}/{record.pk}/follow").status_code == 200  # twice is once
    assert Watch.objects.filter(record=record, user=carol.user).count() == 1
    response = client.delete(f"/{resource}/{record.pk}/follow")
    assert response.json()["following"] is False
    assert not Watch.objects.filter(record=record, user=carol.user).exists()


def test_following_makes_a_new_note_notify_the_follower(api, alice, carol, records):
    person = records["people"]
    api(carol).post(f"/people/{person.pk}/follow")
    history_actions.add_note(alice.membership, [person.record], "Called back")
    assert Notification.objects.filter(recipient=carol.user, record=person.record).exists()


def test_a_person_id_under_companies_is_not_found(api, carol, records):
    response = api(carol).post(f"/companies/{records['people'].pk}/follow")
    assert response.status_code == 404
    assert not Watch.objects.filter(user=carol.user).exists()


def test_outsider_cannot_follow_another_accounts_record(api, oscar, records):
    for resource, thing in records.items():
        response = api(oscar).post(f"/{resource}/{thing.record.pk}/follow")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert not Watch.objects.filter(user=oscar.user).exists()


def test_a_record_in_the_trash_cannot_be_followed(api, alice, carol, records):
    company = records["companies"]
    record_actions.trash_record(company.record, alice.membership)
    assert api(carol).post(f"/companies/{company.pk}/follow").status_code == 404


def test_an_id_that_is_no_number_is_refused(api, carol):
    response = api(carol).post("/people/abc/follow")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "path"


def test_list_what_i_follow_by_kind_and_name(api, alice, carol, records):
    client = api(carol)
    for resource in ("projects", "people", "companies"):
        client.post(f"/{resource}/{records[resource].pk}/follow")
    record_actions.trash_record(records["companies"].record, alice.membership)
    listed = client.get("/following").json()
    assert [(item["kind"], item["name"]) for item in listed["items"]] == [("person", "Anna Adler"),
                                                                          ("project", "Relaunch")]
    assert listed["items"][0]["url"] == f"/api/v1/people/{records['people'].pk}"
    assert api(carol).get("/people/" + str(records["people"].pk)).status_code == 200


def test_what_i_follow_is_mine_only_and_paged(api, alice, bob, oscar, records, django_assert_max_num_queries):
    # Alice follows what she created; Bob follows nothing, Oscar nothing of Alice's.
    assert api(bob).get("/following").json()["items"] == []
    assert api(oscar).get("/following").json()["items"] == []
    client = api(alice)
    with django_assert_max_num_queries(6):
        first = client.get("/following", {"per_page": 2}).json()
    assert (len(first["items"]), first["has_next"]) == (2, True)
    second = client.get("/following", {"per_page": 2, "page": 2}).json()
    assert len(second["items"]) == 2 and second["has_next"] is False
    assert client.get("/following", {"per_page": 251}).status_code == 422
