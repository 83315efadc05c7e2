"""The live records of a timeline's entries ("Also on: ..."), read as plain rows."""

from __future__ import annotations

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.history.queries import LinkedRecord, attach_live_records
from kontor.records.actions import trash_record


def test_each_entry_gets_its_live_records_by_name(alice):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Zander"})
    firm = contact_actions.create_company(alice.membership, {"name": "Adler AG"})
    gone = contact_actions.create_company(alice.membership, {"name": "Berg GmbH"})
    shared = history_actions.add_note(alice.membership, [anna.record, firm.record, gone.record], "Treffen")
    alone = history_actions.add_note(alice.membership, [anna.record], "Anruf")
    trash_record(gone.record, alice.membership)

    attach_live_records([shared, alone])

    # live_records is set by attach_live_records.
    assert shared.live_records == [LinkedRecord(firm.pk, "company", "Adler AG"),  # type: ignore[attr-defined]
                                   LinkedRecord(anna.pk, "person", "Zander")]
    assert alone.live_records == [LinkedRecord(anna.pk, "person", "Zander")]  # type: ignore[attr-defined]


def test_no_entries_ask_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        attach_live_records([])
