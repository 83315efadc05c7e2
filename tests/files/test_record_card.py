"""The Files card of a record page: the record's visible files, newest first."""

from __future__ import annotations

from kontor.files import queries
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions

from .conftest import put_file


def test_the_card_shows_the_newest_files_and_whether_more_exist(alice, anna):
    for number in range(queries.RECORD_CARD_SIZE + 1):
        put_file(alice, anna.record, name=f"{number}.pdf")
    files, has_more = queries.record_files(alice.membership, anna.record)
    newest = queries.RECORD_CARD_SIZE
    assert [file.name for file in files][:2] == [f"{newest}.pdf", f"{newest - 1}.pdf"]
    assert len(files) == queries.RECORD_CARD_SIZE and has_more


def test_a_record_in_the_trash_shows_no_files_until_restored(alice, anna):
    put_file(alice, anna.record)
    record_actions.trash_record(anna.record, alice.membership)
    anna.record.refresh_from_db()
    assert queries.record_files(alice.membership, anna.record) == ([], False)
    record_actions.restore_record(anna.record, alice.membership)
    anna.record.refresh_from_db()
    assert [file.name for file in queries.record_files(alice.membership, anna.record)[0]] == ["offer.pdf"]


def test_a_file_on_a_confidential_note_is_left_out_for_members_only(alice, carol, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Vertraulich", confidential=True)
    put_file(alice, anna.record, name="Gehaltsliste.pdf", entry=entry)
    put_file(alice, anna.record, name="offer.pdf")
    assert [file.name for file in queries.record_files(alice.membership, anna.record)[0]] == [
        "offer.pdf", "Gehaltsliste.pdf"]
    assert [file.name for file in queries.record_files(carol.membership, anna.record)[0]] == ["offer.pdf"]
