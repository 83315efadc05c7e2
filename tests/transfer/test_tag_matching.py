"""Imported tags find the account's existing tags by name, case-insensitively for every letter
(not only ASCII ones), the same on SQLite and PostgreSQL, however many names a file brings."""

from __future__ import annotations

from kontor.records import actions as record_actions
from kontor.records.models import RecordTag, Tag
from kontor.transfer.models import ImportState
from tests.transfer.import_files import run, xlsx


def test_an_imported_tag_finds_the_existing_one_whatever_the_case_of_its_umlauts(alice):
    run(alice.membership, xlsx([["Anna", "Adler", "", "", "", "", "Ärzte"]]))
    imp = run(alice.membership, xlsx([["Bernd", "Bauer", "", "", "", "", "ärzte, ÄRZTE"]]))
    assert imp.state == ImportState.DONE
    tag = Tag.objects.get()
    assert tag.name == "Ärzte"
    assert RecordTag.objects.filter(tag=tag).count() == 2


def test_the_tags_of_a_record_are_matched_the_same_way(alice):
    existing = record_actions.get_or_create_tags(alice.account, ["Öffentliche Hand"])
    assert record_actions.get_or_create_tags(alice.account, ["öffentliche hand", "ÖFFENTLICHE HAND"]) == existing
    assert Tag.objects.count() == 1


def test_a_file_with_thousands_of_different_tags_is_imported(alice):
    rows = [[f"Person{i}", "Muster", "", "", "", "", f"Messe {i}"] for i in range(1500)]
    imp = run(alice.membership, xlsx(rows))
    assert (imp.state, imp.created, imp.errors) == (ImportState.DONE, 1500, [])
    assert Tag.objects.count() == 1500
