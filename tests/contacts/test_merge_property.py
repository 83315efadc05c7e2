"""A merge loses nothing: over random pairs of people, every object linked to either of them is
linked to the survivor afterwards, and an undo gives each back exactly what it had."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.contacts import actions
from kontor.contacts import merge as contact_merge
from kontor.contacts.actions import AddressData, DetailData, Details, PositionData
from kontor.contacts.models import Person
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.history.models import EntryLink
from kontor.records import actions as record_actions
from kontor.records.merge import undoable_merge
from kontor.records.models import Record, RecordTag, Watch
from kontor.tasks import actions as task_actions
from kontor.tasks.models import Task

TAGS = ["Kunde", "Lead", "Messe", "Presse"]
EMAILS = ["a@example.com", "b@example.com", "c@example.com"]
CITIES = ["Köln", "Bonn", "Berlin"]

ONE_SIDE = st.fixed_dictionaries({
    "notes": st.integers(0, 3), "tasks": st.integers(0, 2), "deals": st.integers(0, 2),
    "tags": st.sets(st.sampled_from(TAGS)), "emails": st.sets(st.sampled_from(EMAILS)),
    "cities": st.sets(st.sampled_from(CITIES)), "followers": st.sets(st.sampled_from(["bob", "carol", "dave"])),
    "job": st.booleans(),
})


def _linked(person: Person) -> dict[str, set[Any]]:
    """Everything linked to a person, by kind, as comparable values."""
    record = Record.objects.get(pk=person.pk)
    return {
        "entries": set(EntryLink.objects.filter(record=record).values_list("entry_id", flat=True)),
        "tasks": set(Task.objects.filter(record=record).values_list("pk", flat=True)),
        "deals": set(Person.objects.get(pk=person.pk).deals.values_list("pk", flat=True)),
        "tags": set(RecordTag.objects.filter(record=record).values_list("tag__name", flat=True)),
        "followers": set(Watch.objects.filter(record=record).values_list("user_id", flat=True)),
        "emails": set(record.contact_details.values_list("normalized", flat=True)),
        "cities": set(record.addresses.values_list("city", flat=True)),
        "companies": set(Person.objects.get(pk=person.pk).positions.values_list("company_id", flat=True)),
    }


def _make(personas: dict[str, Any], side: dict[str, Any], name: str, company: Any, shared: list) -> Person:
    by = personas["alice"].membership
    person = actions.create_person(by, {"last_name": name}, Details(
        contact=[DetailData("email", email) for email in sorted(side["emails"])],
        addresses=[AddressData(city=city) for city in sorted(side["cities"])],
        positions=[PositionData(company)] if side["job"] else []), tags=sorted(side["tags"]))
    for number in range(side["notes"]):
        history_actions.add_note(by, [person.record], f"Notiz {number}")
    for number in range(side["tasks"]):
        task_actions.create_task(by, {"title": f"Aufgabe {number}"}, record=person.record)
    for number in range(side["deals"]):
        deal_actions.create_deal(by, {"name": f"Angebot {number}"}, people=[person])
    for follower in side["followers"]:
        record_actions.watch(person.record, personas[follower].user)
    shared.append(person)
    return person


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kept_side=ONE_SIDE, other_side=ONE_SIDE, shared_notes=st.integers(0, 2), shared_deal=st.booleans())
def test_merge_links_everything_to_the_survivor_and_undo_gives_it_back(alice, bob, carol, dave, kept_side,
                                                                        other_side, shared_notes, shared_deal):
    personas = {"alice": alice, "bob": bob, "carol": carol, "dave": dave}
    company = actions.create_company(alice.membership, {"name": "Acme"})
    made: list[Person] = []
    kept = _make(personas, kept_side, "Müller", company, made)
    other = _make(personas, other_side, "Mueller", company, made)
    for number in range(shared_notes):
        history_actions.add_note(alice.membership, [kept.record, other.record], f"Beide {number}")
    if shared_deal:
        deal_actions.create_deal(alice.membership, {"name": "Gemeinsam"}, people=[kept, other])
    before_kept, before_other = _linked(kept), _linked(other)

    contact_merge.merge_people(alice.membership, kept, [other])

    after = _linked(kept)
    for what in before_kept:
        assert after[what] == before_kept[what] | before_other[what], what
    merge = undoable_merge(kept.record)
    assert merge is not None
    contact_merge.undo_merge(alice.membership, merge)
    assert _linked(kept) == before_kept
    assert _linked(other) == before_other
