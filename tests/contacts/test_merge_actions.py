"""Merging people and companies: everything moves to the survivor, nothing is lost, and an undo
moves back exactly what came from the other record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kontor.contacts import actions
from kontor.contacts import merge as contact_merge
from kontor.contacts.actions import AddressData, DetailData, Details, PositionData
from kontor.contacts.models import Person, Position
from kontor.deals import actions as deal_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.history.models import Activity, ActivityVerb, EntryLink
from kontor.notifications.models import Notification, NotificationType
from kontor.records import actions as record_actions
from kontor.records.merge import undoable_merge
from kontor.records.models import Merge, Record, RecordTag, Tag, Watch
from kontor.tasks import actions as task_actions
from kontor.tasks.models import Task


def _person(by, last: str, first: str = "", email: str = "", tags=(), company=None, **fields):
    details = Details(contact=[DetailData("email", email)] if email else [],
                      positions=[PositionData(company)] if company else [])
    return actions.create_person(by, {"last_name": last, "first_name": first, **fields}, details, tags=tags)


@pytest.fixture
def pair(alice, bob):
    """Hans Müller (kept) and Hans Mueller (merged into him), each with things of their own."""
    acme = actions.create_company(alice.membership, {"name": "Acme GmbH"})
    kept = _person(alice.membership, "Müller", "Hans", "hans@acme.de", tags=["Kunde"], company=acme)
    other = _person(bob.membership, "Mueller", "Hans", "h.mueller@web.de", tags=["Kunde", "Messe"],
                    background="Met at the fair", birthday=dt.date(1970, 5, 1))
    actions.update_person(other, bob.membership, {"last_name": "Mueller", "first_name": "Hans"},
                          details=Details(addresses=[AddressData(city="Köln")],
                                          contact=[DetailData("email", "h.mueller@web.de"),
                                                   DetailData("email", "HANS@acme.de")]))
    return kept, Person.objects.get(pk=other.pk), acme


def test_merging_moves_history_tasks_files_tags_and_details_to_the_survivor(alice, bob, pair):
    kept, other, _acme = pair
    note = history_actions.add_note(bob.membership, [other.record], "Rückruf vereinbart")
    shared = history_actions.add_note(alice.membership, [kept.record, other.record], "Beide")
    task = task_actions.create_task(bob.membership, {"title": "Anrufen"}, record=other.record)
    upload = file_actions.upload_file(bob.membership, SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), record=other.record)
    deal = deal_actions.create_deal(bob.membership, {"name": "Relaunch"}, people=[other])

    contact_merge.merge_people(alice.membership, kept, [other], keep={"birthday": other.pk})

    kept.refresh_from_db()
    assert kept.birthday == dt.date(1970, 5, 1) and kept.background == ""
    assert set(EntryLink.objects.filter(record=kept.record).values_list("entry_id", flat=True)) == {note.pk, shared.pk}
    assert Task.objects.get(pk=task.pk).record_id == kept.pk
    upload.refresh_from_db()
    assert upload.record_id == kept.pk
    assert list(deal.people.all()) == [kept]
    assert sorted(kept.record.tags.values_list("name", flat=True)) == ["Kunde", "Messe"]
    assert Watch.objects.filter(record=kept.record, user=bob.user).exists()
    emails = sorted(kept.record.contact_details.values_list("normalized", flat=True))
    assert emails == ["h.mueller@web.de", "hans@acme.de"]  # HANS@acme.de is the same address
    assert [a.city for a in kept.record.addresses.all()] == ["Köln"]
    other.record.refresh_from_db()
    assert other.record.deleted_at is not None and other.record.merged_into_id == kept.pk
    assert Tag.objects.get(name="Messe").person_count == 1 and Tag.objects.get(name="Kunde").person_count == 1
    lines = Activity.objects.filter(verb=ActivityVerb.MERGED)
    assert [(line.record_id, line.summary) for line in lines] == [(kept.pk, "Hans Mueller")]


def test_followers_of_both_records_are_notified_once(alice, bob, dave, pair):
    kept, other, _acme = pair
    record_actions.watch(kept.record, dave.user)
    record_actions.watch(other.record, dave.user)
    contact_merge.merge_people(alice.membership, kept, [other])
    told = Notification.objects.filter(type=NotificationType.MERGE)
    assert sorted(n.recipient.name for n in told) == sorted([bob.user.name, dave.user.name])


def test_undo_moves_back_exactly_what_came_from_the_other_record(alice, bob, pair):
    kept, other, _acme = pair
    note = history_actions.add_note(bob.membership, [other.record], "Rückruf vereinbart")
    task = task_actions.create_task(bob.membership, {"title": "Anrufen"}, record=other.record)
    contact_merge.merge_people(alice.membership, kept, [other], keep={"birthday": other.pk})
    later = history_actions.add_note(alice.membership, [kept.record], "Nach dem Zusammenführen")

    merge = undoable_merge(kept.record)
    assert merge is not None
    contact_merge.undo_merge(alice.membership, merge)

    kept.refresh_from_db()
    other.record.refresh_from_db()
    assert kept.birthday is None and other.record.deleted_at is None and other.record.merged_into_id is None
    assert set(EntryLink.objects.filter(record=other.record).values_list("entry_id", flat=True)) == {note.pk}
    assert set(EntryLink.objects.filter(record=kept.record).values_list("entry_id", flat=True)) == {later.pk}
    assert Task.objects.get(pk=task.pk).record_id == other.pk
    assert sorted(kept.record.tags.values_list("name", flat=True)) == ["Kunde"]
    assert sorted(other.record.tags.values_list("name", flat=True)) == ["Kunde", "Messe"]
    assert Tag.objects.get(name="Messe").person_count == 1 and Tag.objects.get(name="Kunde").person_count == 2
    assert list(kept.record.contact_details.values_list("normalized", flat=True)) == ["hans@acme.de"]
    assert not Watch.objects.filter(record=kept.record, user=bob.user).exists()
    assert undoable_merge(kept.record) is None
    with pytest.raises(ValidationError, match=r"This merge has already been undone\."):
        contact_merge.undo_merge(alice.membership, merge)


def test_a_merge_is_final_after_thirty_days(alice, pair):
    kept, other, _acme = pair
    contact_merge.merge_people(alice.membership, kept, [other])
    merge = Merge.objects.get()
    Merge.objects.filter(pk=merge.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    assert undoable_merge(kept.record) is None
    with pytest.raises(ValidationError, match=r"A merge can be undone for 30 days; this one is final\."):
        contact_merge.undo_merge(alice.membership, Merge.objects.get())
    other.record.refresh_from_db()
    assert other.record.deleted_at is not None


def test_a_member_cannot_merge_and_nothing_changes(alice, carol, pair):
    kept, other, _acme = pair
    with pytest.raises(PermissionDenied, match=r"^Your role does not allow merging records"):
        contact_merge.merge_people(carol.membership, kept, [other])
    other.record.refresh_from_db()
    assert other.record.deleted_at is None and not Merge.objects.exists()
    assert RecordTag.objects.filter(record=kept.record).count() == 1


@pytest.mark.parametrize("keep", [{"nickname": 1}, {"birthday": 999_999}])
def test_unknown_fields_and_records_in_keep_are_refused(alice, pair, keep):
    kept, other, _acme = pair
    with pytest.raises(ValidationError, match=r"Unknown field\.|Choose one of the records being merged\."):
        contact_merge.merge_people(alice.membership, kept, [other], keep=keep)
    other.record.refresh_from_db()
    assert other.record.deleted_at is None


def test_a_record_cannot_be_merged_with_itself_or_another_kind(alice, pair):
    kept, _other, acme = pair
    with pytest.raises(ValidationError, match=r"A record cannot be merged with itself\."):
        contact_merge.merge_people(alice.membership, kept, [kept])
    with pytest.raises(ValidationError, match=r"Only records of the same kind can be merged\."):
        contact_merge.merge_people(alice.membership, kept, [acme])  # type: ignore[list-item]
    assert not Record.objects.filter(deleted_at__isnull=False).exists()


def test_merging_companies_moves_their_people_and_deals(alice, pair):
    kept_person, _other, acme = pair
    twin = actions.create_company(alice.membership, {"name": "ACME"})
    worker = _person(alice.membership, "Schmidt", company=twin)
    _person(alice.membership, "Müller", "Hans", company=twin)  # works at both already? no: a new person
    deal = deal_actions.create_deal(alice.membership, {"name": "Wartung"}, company=twin)
    contact_merge.merge_companies(alice.membership, acme, [twin])
    assert Position.objects.get(person=worker).company_id == acme.pk
    deal.refresh_from_db()
    assert deal.company_id == acme.pk
    contact_merge.undo_merge(alice.membership, Merge.objects.get())
    assert Position.objects.get(person=worker).company_id == twin.pk
    deal.refresh_from_db()
    assert deal.company_id == twin.pk
    assert Position.objects.get(person=kept_person).company_id == acme.pk


def test_a_merged_record_restored_from_the_trash_by_hand_no_longer_redirects_nor_undoes(alice, pair):
    kept, other, _acme = pair
    contact_merge.merge_people(alice.membership, kept, [other])
    record_actions.restore_record(Record.objects.get(pk=other.pk), alice.membership)
    restored = Record.objects.get(pk=other.pk)
    assert restored.deleted_at is None and restored.merged_into_id is None
    with pytest.raises(ValidationError, match=r"This merge cannot be undone any more"):
        contact_merge.undo_merge(alice.membership, Merge.objects.get())


def test_the_others_details_and_addresses_follow_the_survivors_own_without_repeating_them(alice):
    kept = actions.create_person(alice.membership, {"last_name": "Müller"}, Details(
        contact=[DetailData("phone", "0711 1"), DetailData("email", "hans@acme.de")],
        addresses=[AddressData(street="Hauptstraße 1", city="Köln")]))
    other = actions.create_person(alice.membership, {"last_name": "Mueller"}, Details(
        contact=[DetailData("email", "HANS@acme.de"), DetailData("email", "h@web.de"), DetailData("phone", "0711 2")],
        addresses=[AddressData(street="hauptstraße  1", city="KÖLN"), AddressData(city="Bonn")]))

    contact_merge.merge_people(alice.membership, kept, [other])

    details = kept.record.contact_details.order_by("position")
    assert [(d.value, d.position) for d in details] == [("0711 1", 0), ("hans@acme.de", 1), ("h@web.de", 2),
                                                        ("0711 2", 3)]
    assert [(a.city, a.position) for a in kept.record.addresses.order_by("position")] == [("Köln", 0), ("Bonn", 1)]
