from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.models import Person


def test_member_cannot_delete_a_person(alice, carol):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    response = carol.client.post(reverse("people:delete", args=[person.pk]))
    assert response.status_code == 403
    assert b"does not allow deleting" in response.content
    person.record.refresh_from_db()
    assert person.record.deleted_at is None
    assert carol.client.get(reverse("people:delete", args=[person.pk])).status_code == 403


def test_members_see_no_delete_button(alice, carol, bob):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    url = reverse("people:detail", args=[person.pk])
    delete_url = reverse("people:delete", args=[person.pk]).encode()
    assert delete_url not in carol.client.get(url).content
    assert delete_url in bob.client.get(url).content


def test_power_user_deletes_to_the_trash_after_confirming(alice, bob):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    confirm = bob.client.get(reverse("people:delete", args=[person.pk]))
    assert confirm.status_code == 200 and b"Move" in confirm.content
    person.record.refresh_from_db()
    assert person.record.deleted_at is None
    response = bob.client.post(reverse("people:delete", args=[person.pk]))
    assert response["Location"] == reverse("people:list")
    person.record.refresh_from_db()
    assert person.record.deleted_at is not None and person.record.deleted_by == bob.user
    assert Person.objects.filter(pk=person.pk).exists()
    assert bob.client.get(reverse("people:detail", args=[person.pk])).status_code == 200  # the trash notice


def test_power_user_restores_from_the_trash(alice, bob):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    bob.client.post(reverse("people:delete", args=[person.pk]))
    response = bob.client.post(reverse("people:restore", args=[person.pk]))
    assert response["Location"] == person.get_absolute_url()
    person.record.refresh_from_db()
    assert person.record.deleted_at is None
    assert b"has been restored" in bob.client.get(response["Location"]).content


def test_member_cannot_restore(alice, bob, carol):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    bob.client.post(reverse("people:delete", args=[person.pk]))
    assert carol.client.post(reverse("people:restore", args=[person.pk])).status_code == 403
    person.record.refresh_from_db()
    assert person.record.deleted_at is not None


def test_restore_by_get_changes_nothing(alice, bob):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    bob.client.post(reverse("people:delete", args=[person.pk]))
    bob.client.get(reverse("people:restore", args=[person.pk]))
    person.record.refresh_from_db()
    assert person.record.deleted_at is not None


def test_admin_deletes_and_restores_a_company(alice, dave):
    company = actions.create_company(alice.membership, {"name": "Acme"})
    dave.client.post(reverse("companies:delete", args=[company.pk]))
    assert dave.client.get(reverse("companies:list")).context["page"].items == []
    dave.client.post(reverse("companies:restore", args=[company.pk]))
    assert [c.name for c in dave.client.get(reverse("companies:list")).context["page"].items] == ["Acme"]
