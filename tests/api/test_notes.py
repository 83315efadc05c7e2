"""/api/v1/notes and the history of people and companies."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.history.models import Entry


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"})


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})


def test_a_note_on_a_person_and_a_company_shows_in_both_histories(api, alice, anna, firm):
    client = api(alice)
    response = client.post("/notes", {"body": "Angebot besprochen.", "person_ids": [anna.pk],
                                      "company_ids": [firm.pk]})
    assert response.status_code == 201
    note = response.json()
    assert (note["body"], note["kind"], note["confidential"]) == ("Angebot besprochen.", "note", False)
    assert (note["person_ids"], note["company_ids"], note["deal_ids"]) == ([anna.pk], [firm.pk], [])
    assert (note["author_id"], note["author_name"], note["version"]) == (alice.user.pk, "Alice Adler", 1)
    assert {r["name"] for r in note["records"]} == {"Anna Müller", "Müller GmbH"}
    assert client.get(f"/people/{anna.pk}/history").json()["items"] == [note]
    assert client.get(f"/companies/{firm.pk}/history").json()["items"] == [note]
    assert client.get(f"/notes/{note['id']}").json() == note


def test_a_call_report_with_its_time_in_the_users_zone(api, alice, anna):
    response = api(alice).post("/notes", {"body": "Rückruf erbeten.", "kind": "call", "subject": "Anruf",
                                          "happened_at": "2025-03-01T09:30:00", "person_ids": [anna.pk]})
    assert response.status_code == 201
    entry = Entry.objects.get()
    assert (entry.kind, entry.subject) == ("call", "Anruf")
    assert entry.happened_at == dt.datetime(2025, 3, 1, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("body, loc", [
    ({"body": "Hallo"}, ["body", "person_ids"]),
    ({"body": "Hallo", "person_ids": [999_999]}, ["body", "person_ids", 0]),
    ({"body": "Hallo", "deal_ids": [1]}, ["body", "deal_ids", 0]),
    ({"body": "Hallo", "project_ids": [1]}, ["body", "project_ids", 0]),
    ({"body": "   ", "person_ids": ["ANNA"]}, ["body", "body"]),
    ({"person_ids": ["ANNA"]}, ["body", "body"]),
    ({"body": "Hallo", "person_ids": ["ANNA"], "kind": "email"}, ["body", "kind"]),
    ({"body": "Hallo", "person_ids": ["ANNA"], "happened_at": "gestern"}, ["body", "happened_at"]),
    ({"body": "Hallo", "person_ids": ["ANNA"], "happened_at": "0001-01-01T00:30:00+01:00"},
     ["body", "happened_at"]),
    ({"body": "Hallo", "person_ids": ["FIRM"]}, ["body", "person_ids", 0]),
    ({"body": "Hallo", "company_ids": ["ANNA"]}, ["body", "company_ids", 0]),
])
def test_bad_notes_are_refused_with_the_place_named_and_nothing_is_written(api, alice, anna, firm, body, loc):
    ids = {"ANNA": anna.pk, "FIRM": firm.pk}
    body = {key: [ids.get(v, v) for v in value] if isinstance(value, list) else value
            for key, value in body.items()}
    response = api(alice).post("/notes", body)
    assert response.status_code == 422, response.content
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert not Entry.objects.exists()


def test_a_note_on_another_accounts_person_is_refused_like_a_missing_one(api, alice, oscar, anna):
    theirs = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    client = api(alice)
    refused = client.post("/notes", {"body": "x", "person_ids": [theirs.pk]}).json()
    assert refused == client.post("/notes", {"body": "x", "person_ids": [999_999]}).json()
    assert not Entry.objects.exists()


def test_a_member_cannot_write_a_confidential_note(api, carol, anna):
    response = api(carol).post("/notes", {"body": "Geheim", "confidential": True, "person_ids": [anna.pk]})
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow confidential notes."}
    assert not Entry.objects.exists()


def test_a_member_never_sees_confidential_notes(api, bob, carol, anna):
    secret = api(bob).post("/notes", {"body": "Geheim", "confidential": True, "person_ids": [anna.pk]}).json()
    api(bob).post("/notes", {"body": "Offen", "person_ids": [anna.pk]})
    member = api(carol)
    assert [n["body"] for n in member.get(f"/people/{anna.pk}/history").json()["items"]] == ["Offen"]
    hidden = member.get(f"/notes/{secret['id']}")
    assert hidden.status_code == 404
    assert hidden.json() == member.get("/notes/999999").json()
    assert member.patch(f"/notes/{secret['id']}", {"body": "x"}).status_code == 404
    assert member.delete(f"/notes/{secret['id']}").status_code == 404
    history = api(bob).get(f"/people/{anna.pk}/history").json()["items"]
    assert [n["body"] for n in history] == ["Offen", "Geheim"]


def test_the_history_is_newest_first_and_paged(api, alice, anna):
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for day in range(7):
        history_actions.add_note(alice.membership, [anna.record], f"Tag {day}",
                                 happened_at=start + dt.timedelta(days=day))
    client = api(alice)
    first = client.get(f"/people/{anna.pk}/history", {"per_page": 5}).json()
    assert [n["body"] for n in first["items"]] == ["Tag 6", "Tag 5", "Tag 4", "Tag 3", "Tag 2"]
    assert first["has_next"] is True
    second = client.get(f"/people/{anna.pk}/history", {"per_page": 5, "page": 2}).json()
    assert ([n["body"] for n in second["items"]], second["has_next"]) == (["Tag 1", "Tag 0"], False)
    assert client.get(f"/people/{anna.pk}/history", {"per_page": 251}).status_code == 422


def test_the_history_costs_a_fixed_number_of_queries(api, alice, anna, firm, django_assert_max_num_queries):
    for i in range(20):
        history_actions.add_note(alice.membership, [anna.record, firm.record], f"Notiz {i}")
    client = api(alice)
    client.get("/users/me")
    # key + membership, the person, the page of entries with authors, their records
    with django_assert_max_num_queries(5):
        assert len(client.get(f"/people/{anna.pk}/history").json()["items"]) == 20


def test_the_author_changes_the_text_of_a_note(api, alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Erster Entwurf")
    response = api(alice).patch(f"/notes/{entry.pk}", {"body": "Zweiter Entwurf", "version": 1})
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["version"]) == ("Zweiter Entwurf", 2)


def test_a_power_user_marks_their_note_confidential_without_sending_the_text(api, bob, anna):
    entry = history_actions.add_note(bob.membership, [anna.record], "Gehalt besprochen")
    response = api(bob).patch(f"/notes/{entry.pk}", {"confidential": True})
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["confidential"]) == ("Gehalt besprochen", True)


def test_a_member_cannot_make_their_note_confidential(api, carol, anna):
    entry = history_actions.add_note(carol.membership, [anna.record], "Gehalt besprochen")
    assert api(carol).patch(f"/notes/{entry.pk}", {"confidential": True}).status_code == 403
    entry.refresh_from_db()
    assert entry.confidential is False and entry.version == 1


def test_nobody_changes_a_colleagues_note(api, alice, dave, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Von Alice")
    response = api(dave).patch(f"/notes/{entry.pk}", {"body": "Von Dave"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You can only edit your own notes."}
    entry.refresh_from_db()
    assert entry.body == "Von Alice"


def test_a_stale_change_of_a_note_is_refused_with_409(api, alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Eins")
    client = api(alice)
    client.patch(f"/notes/{entry.pk}", {"body": "Zwei", "version": 1})
    response = client.patch(f"/notes/{entry.pk}", {"body": "Drei", "version": 1})
    assert response.status_code == 409 and response.json()["version"] == 2
    entry.refresh_from_db()
    assert entry.body == "Zwei"


def test_an_empty_text_is_refused(api, alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Eins")
    response = api(alice).patch(f"/notes/{entry.pk}", {"body": "  "})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body"]


def test_a_text_sent_as_null_is_refused(api, alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Eins")
    response = api(alice).patch(f"/notes/{entry.pk}", {"body": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body"]
    entry.refresh_from_db()
    assert (entry.body, entry.version) == ("Eins", 1)


def test_the_author_deletes_their_note(api, carol, anna):
    entry = history_actions.add_note(carol.membership, [anna.record], "Weg damit")
    assert api(carol).delete(f"/notes/{entry.pk}").status_code == 204
    assert not Entry.objects.exists()


def test_a_member_cannot_delete_a_colleagues_note_but_an_administrator_can(api, alice, carol, dave, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Von Alice")
    response = api(carol).delete(f"/notes/{entry.pk}")
    assert response.status_code == 403
    assert response.json() == {"detail": "You can only delete your own notes."}
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert api(dave).delete(f"/notes/{entry.pk}").status_code == 204
    assert not Entry.objects.exists()
