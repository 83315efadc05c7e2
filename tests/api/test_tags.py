"""/api/v1/tags."""

from __future__ import annotations

from kontor.contacts import actions as contact_actions
from kontor.records import actions as record_actions
from kontor.records.models import Tag


def test_the_tags_come_with_counts_of_live_records(api, alice, bob, oscar):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde", "VIP"])
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg"}, tags=["Kunde"])
    record_actions.trash_record(gone.record, bob.membership)
    contact_actions.create_company(alice.membership, {"name": "Müller GmbH"}, tags=["Kunde"])
    untagged = contact_actions.create_person(alice.membership, {"last_name": "Ohne"}, tags=["Alt"])
    contact_actions.create_person(oscar.membership, {"last_name": "Ort"}, tags=["Fremd"])
    # A tag nobody carries any more still shows.
    record_actions.remove_tag(untagged.record, Tag.objects.get(name="Alt"), bob.membership)
    response = api(alice).get("/tags")
    assert response.status_code == 200
    counts = [(t["name"], t["count"], t["people_count"], t["companies_count"])
              for t in response.json()["items"]]
    assert counts == [("Alt", 0, 0, 0), ("Kunde", 2, 1, 1), ("VIP", 1, 1, 0)]


def test_an_administrator_renames_a_tag(api, alice, dave):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    tag = Tag.objects.get()
    response = api(dave).patch(f"/tags/{tag.pk}", {"name": "Stammkunde"})
    assert response.status_code == 200
    assert response.json() == {"id": tag.pk, "name": "Stammkunde", "count": 1, "people_count": 1,
                               "companies_count": 0}


def test_renaming_onto_another_tag_merges_them(api, alice):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    contact_actions.create_person(alice.membership, {"last_name": "Schmidt"}, tags=["Kunden"])
    kunden = Tag.objects.get(name="Kunden")
    response = api(alice).patch(f"/tags/{kunden.pk}", {"name": "kunde"})
    assert response.json()["name"] == "Kunde" and response.json()["count"] == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kunde"]


def test_a_power_user_cannot_rename_or_delete_tags_and_nothing_changes(api, alice, bob):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    tag = Tag.objects.get()
    client = api(bob)
    assert client.patch(f"/tags/{tag.pk}", {"name": "Anders"}).status_code == 403
    assert client.patch(f"/tags/{tag.pk}", {}).status_code == 403
    assert client.delete(f"/tags/{tag.pk}").status_code == 403
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kunde"]


def test_a_tag_needs_a_name(api, alice):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    tag = Tag.objects.get()
    for body in ({}, {"name": "  "}, {"name": "x" * 61}):
        response = api(alice).patch(f"/tags/{tag.pk}", body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert Tag.objects.get().name == "Kunde"


def test_an_administrator_deletes_a_tag_from_every_record(api, alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde", "VIP"])
    tag = Tag.objects.get(name="Kunde")
    assert api(alice).delete(f"/tags/{tag.pk}").status_code == 204
    assert api(alice).get(f"/people/{person.pk}").json()["tags"] == ["VIP"]
