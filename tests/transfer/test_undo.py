"""Taking an import back within 24 hours: what it created goes, what it filled is restored where
nobody changed it since."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details
from kontor.contacts.models import Company, ContactDetail, Person, Position
from kontor.history.models import Activity, ActivityVerb
from kontor.records.models import Tag
from kontor.search.models import Document
from kontor.transfer import actions
from kontor.transfer.models import Import, ImportState
from tests.transfer.import_files import run, xlsx

ROWS = [["Anna", "Adler", "anna@adler.de", "Adler GmbH", "Chefin", "0171 2345678", "Kunde"],
        ["Bernd", "Bauer", "bernd@bauer.de", "", "", "", "Kunde"]]


@pytest.fixture
def existing_bernd(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "", "last_name": "Bauer"},
                                         Details(contact=[DetailData("email", "bernd@bauer.de")]), tags=["Kunde"])


@pytest.fixture
def done(alice, existing_bernd):
    return run(alice.membership, xlsx(ROWS), duplicates="fill")


def test_the_undo_says_what_it_will_remove_and_restore(done):
    summary = actions.undo_summary(done)
    assert (summary.people, summary.companies, summary.fields) == (1, 1, 1)


def test_undo_removes_what_the_import_created_with_its_details_and_tags(alice, done, existing_bernd):
    assert Tag.objects.get(name="Kunde").person_count == 2
    actions.undo_import(done, alice.membership)
    assert list(Person.objects.values_list("pk", flat=True)) == [existing_bernd.pk]
    assert not Company.objects.exists() and not Position.objects.exists()
    assert Tag.objects.get(name="Kunde").person_count == 1
    assert not Document.objects.filter(title__contains="Adler").exists()
    done.refresh_from_db()
    assert done.state == ImportState.UNDONE and done.undone_at is not None
    assert Activity.objects.filter(verb=ActivityVerb.IMPORT_UNDONE).count() == 1


def test_undo_restores_the_fields_the_import_filled(alice, done, existing_bernd):
    assert Person.objects.get(pk=existing_bernd.pk).first_name == "Bernd"
    actions.undo_import(done, alice.membership)
    assert Person.objects.get(pk=existing_bernd.pk).first_name == ""


def test_undo_keeps_a_field_someone_changed_since(alice, bob, done, existing_bernd):
    bernd = Person.objects.get(pk=existing_bernd.pk)
    contact_actions.update_person(bernd, bob.membership, {"first_name": "Bernhard"})
    actions.undo_import(done, alice.membership)
    assert Person.objects.get(pk=existing_bernd.pk).first_name == "Bernhard"


def test_undo_removes_contact_details_the_import_added_to_an_existing_person(alice, existing_bernd):
    rows = [["Bernd", "Bauer", "bernd@bauer.de", "", "", "0221 123456", ""]]
    imp = run(alice.membership, xlsx(rows), duplicates="fill")
    assert ContactDetail.objects.filter(record=existing_bernd.record, kind="phone").exists()
    actions.undo_import(imp, alice.membership)
    assert not ContactDetail.objects.filter(record=existing_bernd.record, kind="phone").exists()
    assert ContactDetail.objects.filter(record=existing_bernd.record, kind="email").exists()


def test_undo_is_refused_after_24_hours(alice, done):
    Import.objects.filter(pk=done.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    done.refresh_from_db()
    assert not actions.can_undo(done)
    with pytest.raises(actions.ImportRefused, match="This import can no longer be undone"):
        actions.undo_import(done, alice.membership)
    assert Person.objects.filter(last_name="Adler").exists()


def test_an_import_cannot_be_undone_twice(alice, done):
    actions.undo_import(done, alice.membership)
    with pytest.raises(actions.ImportRefused, match="This import can no longer be undone"):
        actions.undo_import(done, alice.membership)


def test_a_member_cannot_undo_a_colleagues_import(carol, done):
    with pytest.raises(PermissionDenied, match="Only the colleague who imported this, or a power user"):
        actions.undo_import(done, carol.membership)
    assert Person.objects.filter(last_name="Adler").exists()
