"""The index stays right as things change: edits, deletes, trash, restore, purge, and `kontor reindex`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.search import queries
from kontor.search.models import Document
from kontor.tasks import actions as task_actions


def _titles(persona, text, **kwargs):
    return [document.title for document in queries.search(persona.membership, text, **kwargs).documents]


def test_renaming_a_person_finds_the_new_name_and_not_the_old(alice, book):
    contact_actions.update_person(book.hans, alice.membership, {"last_name": "Zimmermann"})
    assert "Hans Zimmermann" in _titles(alice, "zimmerm")
    assert "Hans Müller" not in _titles(alice, "muller")


def test_changing_contact_details_reindexes_phone_numbers(alice, book):
    from kontor.contacts.actions import DetailData, Details

    contact_actions.update_person(book.hans, alice.membership, {},
                                  details=Details(contact=[DetailData("phone", "089 55 66 77")]))
    assert "Hans Müller" in _titles(alice, "0895566")
    assert "Hans Müller" not in _titles(alice, "0171 234")


def test_editing_and_deleting_a_note(alice, book):
    history_actions.update_note(book.note, alice.membership, "Kündigung angekündigt.")
    assert _titles(alice, "verläng") == []
    assert _titles(alice, "kundigung") == ["Kündigung angekündigt."]
    history_actions.delete_note(book.note, alice.membership)
    assert _titles(alice, "kundigung") == []
    assert not Document.objects.filter(kind="note", object_id=book.note.pk).exists()


def test_a_refused_note_edit_leaves_the_index_alone(carol, book):
    with pytest.raises(PermissionDenied, match="You can only edit your own notes"):
        history_actions.update_note(book.note, carol.membership, "Carol was here")
    assert _titles(carol, "carol was") == []
    assert _titles(carol, "verläng") == ["Vertragsverlängerung besprochen, Angebot folgt."]


def test_editing_and_deleting_a_task(alice, book):
    task_actions.update_task(book.task, alice.membership, {"title": "Fassade streichen"})
    assert _titles(alice, "fassade") == ["Fassade streichen"]
    assert _titles(alice, "dachsan") == []
    task_actions.delete_task(book.task, alice.membership)
    assert _titles(alice, "fassade") == []


def test_deals_and_projects_follow_their_edits(alice, book):
    deal_actions.update_deal(book.deal, alice.membership, {"name": "Wartungsvertrag Aufzüge"})
    project_actions.update_project(book.project, alice.membership, {"name": "Neubau Halle"})
    assert _titles(alice, "aufzuge") == ["Wartungsvertrag Aufzüge"]
    assert _titles(alice, "neubau") == ["Neubau Halle"]
    assert _titles(alice, "kabeltromm") == [] and _titles(alice, "büroetage") == []


def test_trash_hides_a_record_its_notes_and_tasks_and_restore_brings_them_back(alice, book):
    record_actions.trash_record(book.hans.record, alice.membership)
    assert "Hans Müller" not in _titles(alice, "müller")
    assert _titles(alice, "verläng") == []
    assert _titles(alice, "dachsan") == []
    # a note shared with a live record stays found, now pointing at that record
    shared = queries.search(alice.membership, "fabrik").documents
    assert [d.record_id for d in shared] == [book.company.pk]
    assert "Hans Müller" not in [d.title for d in queries.suggest(alice.membership, "mü")]
    record_actions.restore_record(book.hans.record, alice.membership)
    assert "Hans Müller" in _titles(alice, "müller")
    assert _titles(alice, "verläng") == ["Vertragsverlängerung besprochen, Angebot folgt."]
    assert _titles(alice, "dachsan") == ["Dachsanierung nachfassen"]


def test_deleting_a_deal_or_project_hides_it(bob, book):
    deal_actions.delete_deal(book.deal, bob.membership)
    project_actions.delete_project(book.project, bob.membership)
    assert _titles(bob, "kabeltromm") == [] and _titles(bob, "büroetage") == []


def test_emptying_the_trash_removes_documents_for_good(alice, book):
    record_actions.trash_record(book.hans.record, alice.membership)
    record_actions.empty_trash(alice.membership)
    assert not Document.objects.filter(record_id=book.hans.pk).exists()
    assert not Document.objects.filter(kind="note", object_id=book.note.pk).exists()
    # the shared note survives with the company
    shared = Document.objects.get(kind="note", object_id=book.shared_note.pk)
    assert shared.record_id == book.company.pk and not shared.is_hidden


def test_reindex_rebuilds_the_same_index(alice, book):
    before = sorted(Document.objects.values_list("kind", "object_id", "folded_text", "is_hidden", "confidential"))
    Document.objects.all().delete()
    assert _titles(alice, "müller") == []
    out = StringIO()
    call_command("reindex", stdout=out)
    assert sorted(Document.objects.values_list("kind", "object_id", "folded_text", "is_hidden",
                                               "confidential")) == before
    assert "Hans Müller" in _titles(alice, "müller")
    assert f"Indexed {len(before)} documents" in out.getvalue()


def test_reindex_of_one_account_leaves_the_others(alice, oscar, book):
    call_command("reindex", account=oscar.account.pk, stdout=StringIO())
    assert "Hans Müller" in _titles(alice, "müller")
    assert _titles(oscar, "müller") == ["Hanna Müller"]


def test_reindex_refuses_an_unknown_account(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no account"):
        call_command("reindex", account=999999, stdout=StringIO())


def test_comments_are_found_with_their_entry_and_follow_it(alice, bob, carol, book):
    comment = history_actions.add_comment(alice.membership, "Rückfrage zur Fensterbank", entry=book.note)
    secret = history_actions.add_comment(bob.membership, "Kaufpreis vertraulich", entry=book.secret)
    found = queries.search(alice.membership, "fensterbank").documents
    assert [(d.kind, d.object_id, d.record_id) for d in found] == [("comment", comment.pk, book.hans.pk)]
    assert found[0].get_absolute_url() == f"{book.hans.get_absolute_url()}#comment-{comment.pk}"
    assert _titles(bob, "kaufpreis") == ["Kaufpreis vertraulich"]
    assert _titles(carol, "kaufpreis") == []
    record_actions.trash_record(book.hans.record, alice.membership)
    assert _titles(alice, "fensterbank") == []
    record_actions.restore_record(book.hans.record, alice.membership)
    assert _titles(alice, "fensterbank") == ["Rückfrage zur Fensterbank"]
    history_actions.delete_note(book.note, alice.membership)
    assert _titles(alice, "fensterbank") == []
    history_actions.delete_comment(secret, bob.membership)
    assert _titles(bob, "kaufpreis") == []


def test_comments_on_tasks_are_found_and_go_with_the_task(alice, book):
    history_actions.add_comment(alice.membership, "Gerüst bestellen", task=book.task)
    assert _titles(alice, "gerust") == ["Gerüst bestellen"]
    task_actions.delete_task(book.task, alice.membership)
    assert _titles(alice, "gerust") == []


def test_making_a_note_confidential_hides_its_comments_from_members(alice, carol, book):
    history_actions.add_comment(alice.membership, "Telefonnotiz Zusatz", entry=book.note)
    history_actions.update_note(book.note, alice.membership, book.note.body, confidential=True)
    assert _titles(carol, "telefonnotiz") == []
    assert _titles(alice, "telefonnotiz") == ["Telefonnotiz Zusatz"]
