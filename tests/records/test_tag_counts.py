"""The tag counters behind the lists' side column follow every change, and agree with a recount
from the taggings whatever sequence of changes came before."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.contacts import actions as contact_actions
from kontor.records import actions as record_actions
from kontor.records import queries as record_queries
from kontor.records.models import Tag


def _counts(alice, kind: str = "person") -> dict[str, int]:
    return {tag.name: tag.count for tag in record_queries.tag_counts(alice.account, kind)}  # type: ignore[attr-defined]


def test_counts_follow_tagging_untagging_trash_and_restore(alice):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "VIP"])
    contact_actions.create_person(alice.membership, {"last_name": "Berger"}, tags=["Kunde"])
    firma = contact_actions.create_company(alice.membership, {"name": "Müller GmbH"}, tags=["Kunde"])
    assert _counts(alice) == {"Kunde": 2, "VIP": 1}
    assert _counts(alice, "company") == {"Kunde": 1}

    record_actions.add_tags(anna.record, ["kunde", "Lead"], alice.membership)  # Kunde already there
    assert _counts(alice) == {"Kunde": 2, "Lead": 1, "VIP": 1}

    record_actions.remove_tag(anna.record, Tag.objects.get(name="VIP"), alice.membership)
    record_actions.remove_tag(anna.record, Tag.objects.get(name="VIP"), alice.membership)  # twice: no-op
    assert _counts(alice) == {"Kunde": 2, "Lead": 1}

    record_actions.trash_record(anna.record, alice.membership)
    record_actions.trash_record(anna.record, alice.membership)  # already in the trash: no-op
    assert _counts(alice) == {"Kunde": 1}
    record_actions.restore_record(anna.record, alice.membership)
    assert _counts(alice) == {"Kunde": 2, "Lead": 1}
    assert _counts(alice, "company") == {"Kunde": 1}
    assert firma.record.kind == "company"


def test_merging_tags_counts_each_record_once(alice, dave):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "Customer"])
    contact_actions.create_person(alice.membership, {"last_name": "Berger"}, tags=["Customer"])
    record_actions.rename_tag(Tag.objects.get(name="Customer"), "Kunde", dave.membership)
    assert _counts(alice) == {"Kunde": 2}


def test_the_tags_admin_counts_every_kind(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    contact_actions.create_company(alice.membership, {"name": "Müller GmbH"}, tags=["Kunde"])
    assert [(t.name, t.count) for t in record_queries.tag_usage(alice.account)] == [("Kunde", 2)]  # type: ignore[attr-defined]


def test_the_list_side_column_is_one_query(alice, django_assert_num_queries):
    for index in range(20):
        contact_actions.create_person(alice.membership, {"last_name": f"P{index}"}, tags=[f"T{index % 7}", "Kunde"])
    with django_assert_num_queries(1):
        assert len(record_queries.tag_counts(alice.account, "person")) == 8


STEPS = st.lists(st.tuples(st.sampled_from(["add", "remove", "set", "trash", "restore"]),
                           st.integers(0, 2), st.sets(st.sampled_from(["A", "B", "C"]), max_size=3)),
                 max_size=25)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_kept_counters_always_equal_a_recount(alice, steps):
    people = [contact_actions.create_person(alice.membership, {"last_name": f"P{i}"}) for i in range(3)]
    for step, index, names in steps:
        record = people[index].record
        record.refresh_from_db()
        if step == "add":
            record_actions.add_tags(record, names, alice.membership)
        elif step == "remove":
            for tag in Tag.objects.filter(account=alice.account, name__in=names):
                record_actions.remove_tag(record, tag, alice.membership)
        elif step == "set":
            record_actions.set_tags(record, names)
        elif step == "trash":
            record_actions.trash_record(record, alice.membership)
        else:
            record_actions.restore_record(record, alice.membership)
    kept = _counts(alice)
    record_actions.recount_tags(alice.account)
    assert kept == _counts(alice)
    for person in people:
        person.record.delete()
    Tag.objects.filter(account=alice.account).delete()
