"""A list's tag and name filters read only what a page needs (records/filters.py): a common tag is
asked per record while the list walks its name index, a rare one is read whole; a name is looked
up in the search index's trigrams, never matched against every name."""

from __future__ import annotations

import pytest
from django.db import connection

from kontor.contacts import actions as contact_actions
from kontor.contacts.queries import filter_companies, filter_people
from kontor.records.filters import RARE_TAG
from kontor.records.models import Tag

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="pins SQLite's query plan")


def _names(people) -> list[str]:  # noqa: ANN001
    return [person.last_name for person in people]


@pytest.fixture
def tagged(alice):
    for last, tags in (("Adler", ["Kunde", "VIP"]), ("Berger", ["Kunde"]), ("Conrad", ["VIP"]),
                       ("Dorn", ["Kunde", "VIP", "Messe"]), ("Engel", [])):
        contact_actions.create_person(alice.membership, {"last_name": last}, tags=tags)
    return alice


def _make_common(*names: str) -> None:
    Tag.objects.filter(name__in=names).update(person_count=RARE_TAG * 10)


@pytest.mark.parametrize("common", [(), ("Kunde",), ("Kunde", "VIP"), ("Kunde", "VIP", "Messe")])
def test_every_plan_finds_the_records_carrying_all_the_tags(tagged, common):
    _make_common(*common)
    account = tagged.account
    assert _names(filter_people(account, tags=["Kunde"])) == ["Adler", "Berger", "Dorn"]
    assert _names(filter_people(account, tags=["kunde", "VIP "])) == ["Adler", "Dorn"]
    assert _names(filter_people(account, tags=["VIP", "Kunde", "Messe"])) == ["Dorn"]
    assert _names(filter_people(account, tags=["Kunde", "Unbekannt"])) == []
    assert list(filter_companies(account, tags=["Kunde"])) == []


def test_another_account_s_tag_of_the_same_name_filters_nothing_in(tagged, oscar):
    contact_actions.create_person(oscar.membership, {"last_name": "Fremd"}, tags=["Kunde"])
    for common in ((), ("Kunde",)):
        _make_common(*common)
        assert _names(filter_people(tagged.account, tags=["Kunde"])) == ["Adler", "Berger", "Dorn"]
        assert _names(filter_people(oscar.account, tags=["Kunde"])) == ["Fremd"]


def test_the_name_filter_finds_parts_of_names_folded_and_as_typed(alice):
    for first, last in (("Jürgen", "Müller"), ("Anna", "Mueller"), ("Eva", "Weiß"), ("Bo", "Li")):
        contact_actions.create_person(alice.membership, {"first_name": first, "last_name": last})
    account = alice.account
    assert _names(filter_people(account, q="mueller")) == ["Mueller", "Müller"]
    assert _names(filter_people(account, q="Müll")) == ["Mueller", "Müller"]
    assert _names(filter_people(account, q="ller")) == ["Mueller", "Müller"]
    assert _names(filter_people(account, q="weiss")) == ["Weiß"]
    assert _names(filter_people(account, q="jürgen müller")) == ["Müller"]
    assert _names(filter_people(account, q="Li")) == ["Li"]  # too short for the index: as typed
    assert _names(filter_people(account, q="xyz")) == []


def _plan(queryset) -> str:  # noqa: ANN001
    """SQLite's plan for the queryset, with the benchmark's statistics for the tables it reads (100,000
    people), so that the planner chooses as it does there rather than as for a handful of rows."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('records_record', 'contacts_person', "
                       "'records_recordtag')")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [
            ("records_record", "record_trash", "125660 31415 31415"),
            ("records_record", "records_record_account_id_f28f8771", "125660 31415"),
            ("contacts_person", "person_by_name_and_id", "103000 25750 13 1"),
            ("contacts_person", "person_by_match_name", "103000 25750 13"),
            ("contacts_person", "contacts_person_account_id_6d5c4a65", "103000 25750"),
            ("contacts_person", "sqlite_autoindex_contacts_person_1", "103000 1"),
            ("records_recordtag", "record_tag_by_record", "173000 2 1"),
            ("records_recordtag", "sqlite_autoindex_records_recordtag_1", "173000 5767 1")])
        cursor.execute("ANALYZE sqlite_schema")
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@sqlite_only
def test_a_common_tag_is_asked_per_record_along_the_name_index(tagged):
    _make_common("Kunde", "VIP")
    plan = _plan(filter_people(tagged.account, tags=["Kunde", "VIP"])[:51])
    assert "person_by_name_and_id" in plan and "TEMP B-TREE" not in plan, plan
    assert plan.count("(tag_id=? AND record_id=?)") == 2, plan


@sqlite_only
def test_a_rare_tag_is_read_whole_and_the_common_one_asked_per_record(tagged):
    _make_common("Kunde")
    plan = _plan(filter_people(tagged.account, tags=["Kunde", "Messe"])[:51])
    assert "LIST SUBQUERY" in plan and "(tag_id=?)" in plan, plan
    assert plan.count("(tag_id=? AND record_id=?)") == 1, plan


@sqlite_only
def test_a_name_is_looked_up_in_the_index_not_matched_against_every_name(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    plan = _plan(filter_people(alice.account, q="mueller")[:51])
    assert "search_fts_records" in plan and "SCAN contacts_person" not in plan, plan
    assert "person_by_name_and_id" not in plan, plan
