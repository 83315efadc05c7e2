import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kontor.contacts import actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.models import ContactDetail, Person
from kontor.history import actions as history_actions
from kontor.history import queries as history_queries
from kontor.records import actions as record_actions
from kontor.records.actions import StaleEdit


def test_a_person_needs_only_a_last_name(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    assert person.full_name == "Müller"
    assert person.record.kind == "person"
    assert person.record.watches.filter(user=alice.user).exists()


def test_a_person_without_last_name_is_refused_and_nothing_is_written(alice):
    with pytest.raises(ValidationError, match="This field cannot be blank") as error:
        actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "  "})
    assert "last_name" in error.value.message_dict
    assert not Person.objects.exists()


def test_phone_numbers_are_normalised_for_lookup(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"}, Details(contact=[
        DetailData("mobile", "+49 171 2345678"), DetailData("email", "Anna@Example.COM", "private")]))
    details = {d.kind: d.normalized for d in ContactDetail.objects.filter(record=person.record)}
    assert details == {"mobile": "01712345678", "email": "anna@example.com"}


def test_a_malformed_email_is_refused_with_the_field_named(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"},
                                   Details(contact=[DetailData("email", "anna@example.com")]))
    with pytest.raises(ValidationError, match=re.escape("“no-at” is not a valid e-mail address")) as error:
        actions.update_person(person, alice.membership, {},
                              details=Details(contact=[DetailData("email", "no-at")]))
    assert "contact_details.0" in error.value.message_dict
    assert ContactDetail.objects.get(record=person.record).value == "anna@example.com"


def test_a_stale_edit_is_refused(alice, bob):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    version = person.record.version
    actions.update_person(person, bob.membership, {"first_name": "Anna"}, version=version)
    with pytest.raises(StaleEdit, match="Someone else changed this in the meantime"):
        actions.update_person(Person.objects.get(pk=person.pk), alice.membership, {"first_name": "Anne"},
                              version=version)
    assert Person.objects.get(pk=person.pk).first_name == "Anna"


def test_positions_keep_exactly_one_primary_current_job(alice):
    first = actions.create_company(alice.membership, {"name": "Müller GmbH"})
    second = actions.create_company(alice.membership, {"name": "Schmidt AG"})
    person = actions.create_person(alice.membership, {"last_name": "Meier"}, Details(positions=[
        PositionData(first, "CEO"), PositionData(second, "Beirat")]))
    assert [p.is_primary for p in person.positions.all()] == [True, False]


def test_member_cannot_trash_a_person(alice, carol):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    with pytest.raises(PermissionDenied, match="Your role does not allow deleting records"):
        record_actions.trash_record(person.record, carol.membership)
    person.record.refresh_from_db()
    assert person.record.deleted_at is None


def test_purging_the_trash_keeps_entries_shared_with_other_records(alice):
    kept = actions.create_person(alice.membership, {"last_name": "Bleibt"})
    gone = actions.create_person(alice.membership, {"last_name": "Geht"})
    shared = history_actions.add_note(alice.membership, [kept.record, gone.record], "Gemeinsam")
    alone = history_actions.add_note(alice.membership, [gone.record], "Allein")
    record_actions.trash_record(gone.record, alice.membership)
    assert record_actions.empty_trash(alice.membership) == 1
    assert [e.pk for e in history_queries.timeline(kept.record, alice.membership)] == [shared.pk]
    assert not type(alone).objects.filter(pk=alone.pk).exists()


def test_members_never_see_confidential_notes(alice, bob, carol):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    history_actions.add_note(bob.membership, [person.record], "Geheim", confidential=True)
    history_actions.add_note(bob.membership, [person.record], "Offen")
    assert [e.body for e in history_queries.timeline(person.record, carol.membership)] == ["Offen"]
    assert len(history_queries.timeline(person.record, alice.membership)) == 2
    with pytest.raises(PermissionDenied, match="Your role does not allow confidential notes"):
        history_actions.add_note(carol.membership, [person.record], "Auch geheim", confidential=True)
