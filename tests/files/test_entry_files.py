"""The files under a timeline's entries: read along with the timeline, one query at most."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.files import actions
from kontor.history import actions as history_actions
from kontor.history.queries import timeline

from .conftest import put_file


def _attachment_queries(anna, membership) -> tuple[list, int]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        page = timeline(anna.record, membership)
    return page, sum(query["sql"].startswith('SELECT "files_attachment".') for query in queries.captured_queries)


def test_a_timeline_without_files_reads_no_files(alice, anna):
    history_actions.add_note(alice.membership, [anna.record], "Ohne Anhang")
    page, asked = _attachment_queries(anna, alice.membership)
    assert asked == 0 and [entry.visible_files for entry in page] == [[]]


def test_an_entry_shows_its_files_but_not_a_deleted_one(alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Mit Anhang")
    offer = put_file(alice, anna.record, name="offer.pdf", entry=entry)
    old = put_file(alice, anna.record, name="old.pdf", entry=entry)
    actions.delete_file(old, alice.membership)
    history_actions.add_note(alice.membership, [anna.record], "Ohne Anhang")
    page, asked = _attachment_queries(anna, alice.membership)
    assert asked == 1
    assert [[file.name for file in shown.visible_files] for shown in page] == [[], ["offer.pdf"]]
    html = alice.client.get(anna.record.get_absolute_url()).content.decode()
    assert f'id="file-{offer.pk}"' in html and f'id="file-{old.pk}"' not in html


def test_a_file_on_a_confidential_note_stays_hidden_from_members(alice, carol, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Vertraulich", confidential=True)
    put_file(alice, anna.record, name="Gehaltsliste.pdf", entry=entry)
    assert [file.name for file in timeline(anna.record, alice.membership)[0].visible_files] == ["Gehaltsliste.pdf"]
    assert all(not shown.visible_files for shown in timeline(anna.record, carol.membership))
