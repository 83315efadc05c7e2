"""Creating and merging tags through /api/v1/tags, beside the renaming and deleting of test_tags.py."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.records.models import Tag


@pytest.fixture
def tagged(alice):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    bert = contact_actions.create_person(alice.membership, {"last_name": "Berg"}, tags=["Kunden", "Berlin"])
    return anna, bert


def test_anyone_creates_a_tag_and_the_same_name_gives_the_same_tag(api, alice, carol):
    client = api(carol)
    response = client.post("/tags", {"name": "  Messe   2027 "})
    assert response.status_code == 201
    created = response.json()
    assert (created["name"], created["count"]) == ("Messe 2027", 0)
    again = client.post("/tags", {"name": "messe 2027"})
    assert (again.status_code, again.json()["id"]) == (200, created["id"])
    assert Tag.objects.filter(account=alice.account).count() == 1


def test_a_tag_needs_a_short_name(api, alice):
    client = api(alice)
    for body in ({}, {"name": " "}, {"name": "x" * 61}, {"name": "a\x00b"}):
        assert client.post("/tags", body).status_code == 422
    assert not Tag.objects.exists()


def test_admin_merges_tags(api, dave, tagged):
    anna, bert = tagged
    kunde, kunden = Tag.objects.get(name="Kunde"), Tag.objects.get(name="Kunden")
    response = api(dave).post(f"/tags/{kunde.pk}/merge", {"tag_ids": [kunden.pk, kunde.pk]})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["people_count"]) == ("Kunde", 2)
    assert not Tag.objects.filter(pk=kunden.pk).exists()
    assert set(bert.record.tags.values_list("name", flat=True)) == {"Kunde", "Berlin"}


def test_merging_a_tag_with_no_other_changes_nothing(api, dave, tagged):
    kunde = Tag.objects.get(name="Kunde")
    bodies: list[dict] = [{"tag_ids": [kunde.pk]}, {"tag_ids": []}, {}]
    for body in bodies:
        response = api(dave).post(f"/tags/{kunde.pk}/merge", body)
        assert (response.status_code, response.json()["people_count"]) == (200, 1)
    assert Tag.objects.count() == 3
    refused = api(dave).post(f"/tags/{kunde.pk}/merge", {"tag_ids": [0]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][:2] == ["body", "tag_ids"]


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_only_admins_merge_tags(api, request, tagged, persona):
    kunde, kunden = Tag.objects.get(name="Kunde"), Tag.objects.get(name="Kunden")
    response = api(request.getfixturevalue(persona)).post(f"/tags/{kunde.pk}/merge", {"tag_ids": [kunden.pk]})
    assert response.status_code == 403
    assert Tag.objects.filter(pk=kunden.pk).exists()


def test_another_accounts_tags_cannot_be_merged(api, oscar, tagged):
    osc = contact_actions.create_person(oscar.membership, {"last_name": "Ort"}, tags=["Eigen"])
    own = osc.record.tags.get()
    kunden = Tag.objects.get(name="Kunden")
    assert api(oscar).post(f"/tags/{own.pk}/merge", {"tag_ids": [kunden.pk]}).status_code == 404
    assert api(oscar).post(f"/tags/{kunden.pk}/merge", {"tag_ids": [own.pk]}).status_code == 404
    assert Tag.objects.filter(pk__in=[own.pk, kunden.pk]).count() == 2
    assert api(oscar).post("/tags", {"name": "Kunde"}).status_code == 201  # a name is per account
