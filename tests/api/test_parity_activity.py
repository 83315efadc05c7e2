"""/api/v1/activity: the start page's activity stream."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.contacts import actions as contact_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions


def test_the_stream_shows_what_the_team_did_newest_first(api, alice, bob, carol):
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Adler"})
    berg = contact_actions.create_company(bob.membership, {"name": "Berg GmbH"})
    items = api(carol).get("/activity").json()["items"]
    assert [(item["verb"], item["record_name"], item["actor_name"]) for item in items[:2]] == [
        ("created", "Berg GmbH", "Bob Berger"), ("created", "Anna Adler", "Alice Adler")]
    assert items[0]["record_id"] == berg.pk and items[0]["record_kind"] == "company"
    assert items[1]["record_id"] == anna.pk
    assert items[0]["text"] == "created"


def test_the_following_filter_keeps_only_followed_records(api, alice, carol):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    contact_actions.create_company(alice.membership, {"name": "Berg GmbH"})
    client = api(carol)
    assert client.get("/activity", {"stream": "following"}).json()["items"] == []
    client.post(f"/people/{anna.pk}/follow")
    items = client.get("/activity", {"stream": "following"}).json()["items"]
    assert {item["record_id"] for item in items} == {anna.pk}
    assert client.get("/activity", {"stream": "mine"}).status_code == 422


def test_lines_on_notes_made_confidential_are_hidden_from_members(api, alice, bob, carol):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    entry = history_actions.add_note(alice.membership, [anna.record], "Contract")
    file_actions.upload_files(alice.membership, [SimpleUploadedFile("Vertrag.pdf", b"%PDF-1.4\n")], entry=entry)
    history_actions.update_note(entry, alice.membership, "Contract", confidential=True)
    members_view = api(carol).get("/activity").json()["items"]
    powers_view = api(bob).get("/activity").json()["items"]
    assert "file_add" not in [item["verb"] for item in members_view]
    assert "file_add" in [item["verb"] for item in powers_view]


def test_a_deletion_stays_but_older_lines_of_a_trashed_record_go(api, alice, carol):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    record_actions.trash_record(anna.record, alice.membership)
    verbs = [item["verb"] for item in api(carol).get("/activity").json()["items"] if item["record_id"] == anna.pk]
    assert verbs == ["deleted"]


def test_the_stream_is_the_accounts_own_and_paged(api, alice, oscar, django_assert_max_num_queries):
    for number in range(5):
        contact_actions.create_person(alice.membership, {"last_name": f"Person {number}"})
    assert api(oscar).get("/activity").json()["items"] == []
    client = api(alice)
    with django_assert_max_num_queries(6):
        page = client.get("/activity", {"per_page": 3}).json()
    assert (len(page["items"]), page["has_next"]) == (3, True)
    rest = client.get("/activity", {"per_page": 3, "page": 2}).json()
    assert (len(rest["items"]), rest["has_next"]) == (2, False)
