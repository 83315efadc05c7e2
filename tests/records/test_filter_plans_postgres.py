"""PostgreSQL's plans for the people and company lists (records/filters.py, contacts/queries.py):
the sibling of test_filter_plans.py, which pins SQLite's.

What these prove: with sequential scans switched off inside the test's transaction (SET LOCAL),
PostgreSQL still finds a plan for each list query, and it is the intended one: a list walks its
(account, sort_name, record) index and stops after a page, a common tag is asked per record on
the taggings' (record, tag) index as the walk goes, a rare tag is read whole on the (tag, record)
index, and the folded name is matched in the trigram index of that kind's names in the search index
(search_person_title_trgm, search/migrations/0007).
Switching seq scans off asks "is there a usable index plan and is it the one we mean"; it does not
prove PostgreSQL would choose it unprompted on a few thousand rows. The data is made through the
real actions and ANALYZEd: 4,000 people with the benchmark's tag shares (Kunde on 29 %, Lead on
23.5 %, the two together on 7 %), so that the planner weighs them as on the benchmark's 100,000.

A broken pin here means a lost index or a query whose shape no index serves (a join that must be
sorted, a condition on an expression no index covers); docs/performance.md has the plans measured
on the benchmark's database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import NewContact
from kontor.contacts.queries import filter_companies, filter_people
from kontor.records.filters import RARE_TAG

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pins PostgreSQL's query plan")

PEOPLE = 4000


def _tags(number: int) -> list[str]:
    """The benchmark's shares: Kunde on 2 of 7 people (29 %), Lead on 4 of 17 (23.5 %), independently."""
    return (["Kunde"] if number % 7 < 2 else []) + (["Lead"] if number % 17 < 4 else []) + \
        (["Messe"] if number % 200 == 0 else [])


def _last_name(number: int) -> str:
    # A few names that the name filter finds, among many it does not.
    return {0: "Schmidt", 1: "Müller", 2: "Mueller"}.get(number % 50, f"Name{number:05d}")


@pytest.fixture
def crowd(alice):  # noqa: ANN001, ANN201 - the persona
    contact_actions.create_people(alice.membership, [
        NewContact({"first_name": f"Vorname{number}", "last_name": _last_name(number)}, tags=_tags(number))
        for number in range(PEOPLE)], log_each=False)
    contact_actions.create_companies(alice.membership, [
        NewContact({"name": f"Firma {number:04d} GmbH"}) for number in range(PEOPLE // 5)], log_each=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # inside the test's transaction: it sees the rows made above
    return alice


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _plan(queryset: QuerySet, *switched_off: str) -> list[dict[str, Any]]:
    """The nodes of PostgreSQL's plan for a page of the queryset (EXPLAIN (FORMAT JSON)), chosen
    with sequential scans and the `switched_off` plan types (e.g. "indexscan") disabled."""
    sql, params = queryset[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("seqscan", *switched_off):
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
        for setting in ("seqscan", *switched_off):
            cursor.execute(f"SET LOCAL enable_{setting} = on")
    if isinstance(plan, str):
        plan = json.loads(plan)
    return list(_nodes(plan[0]["Plan"]))


def _describe(plan: list[dict[str, Any]]) -> str:
    return " | ".join(f"{n['Node Type']} {n.get('Relation Name') or ''} {n.get('Index Name') or ''} "
                      f"{n.get('Index Cond') or ''}".strip() for n in plan)


def _scans_of(plan: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    return [node for node in plan if node.get("Relation Name") == table]


def _taggings(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The index scans that read the taggings (a bitmap's index scan names the index, not the table)."""
    return [node for node in plan if "Index Cond" in node
            and str(node.get("Index Name", "")).startswith(("record_tag", "records_recordtag"))]


def _walks_the_name_index(plan: list[dict[str, Any]], table: str, index: str) -> bool:
    """The list is read along its name index and cut off after a page: no sort of all matches."""
    scans = _scans_of(plan, table)
    return (len(scans) == 1 and scans[0]["Node Type"] in ("Index Scan", "Index Only Scan")
            and scans[0]["Index Name"] == index and not any(n["Node Type"] == "Sort" for n in plan))


def test_the_lists_without_filters_walk_their_name_index(crowd):
    people = _plan(filter_people(crowd.account))
    assert _walks_the_name_index(people, "contacts_person", "person_by_name_and_id"), _describe(people)
    companies = _plan(filter_companies(crowd.account))
    assert _walks_the_name_index(companies, "contacts_company", "company_by_name_and_id"), _describe(companies)


@pytest.mark.parametrize("tags", [["Kunde"], ["Kunde", "Lead"]])
def test_a_common_tag_can_be_asked_per_record_along_the_name_index(crowd, tags):
    """A tag on 29 % of the people: the first page can be found by walking the name index and
    asking each person on an index of the taggings by record (on the benchmark about 170 people
    for Kunde), rather than by reading the tag's taggings and sorting. Sorts and hash and merge
    joins are switched off as well: on 4,000 rows PostgreSQL may read two tags' taggings whole
    (it does not on 100,000, see docs/performance.md); the pin is that the walk exists."""
    plan = _plan(filter_people(crowd.account, tags=tags), "sort", "hashjoin", "mergejoin")
    assert _walks_the_name_index(plan, "contacts_person", "person_by_name_and_id"), _describe(plan)
    probes = _taggings(plan)
    assert len(probes) == len(tags), _describe(plan)
    assert all("(record_id = contacts_person.record_id)" in probe["Index Cond"] for probe in probes), \
        _describe(plan)


def test_a_rare_tag_is_read_whole_on_the_tag_index(crowd):
    """Messe is on 20 people (at most RARE_TAG): its taggings are read on an index by tag and the
    few people found are sorted; Kunde is asked per person found."""
    assert RARE_TAG >= PEOPLE // 200
    plan = _plan(filter_people(crowd.account, tags=["Kunde", "Messe"]))
    readers = [probe for probe in _taggings(plan) if "record_id" not in probe["Index Cond"]]
    assert readers and all(probe["Index Cond"].startswith("(tag_id = ") for probe in readers), _describe(plan)
    assert not _walks_the_name_index(plan, "contacts_person", "person_by_name_and_id"), _describe(plan)


def _drop_search_indexes(*kinds: str) -> None:
    """Drops, inside the test's transaction (rolled back with it), search_document's indexes of the
    `kinds` given: "btree", "partial" (the per-kind trigram indexes), "title" (search_title_trgm)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys, checked now
        cursor.execute("ALTER TABLE search_document DROP CONSTRAINT search_document_unique")
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document' "
                       "AND indexname <> 'search_document_pkey'")
        for index, definition in cursor.fetchall():
            if (("USING btree" in definition and "btree" in kinds) or (" WHERE " in definition and "partial" in kinds)
                    or (index == "search_title_trgm" and "title" in kinds)):
                cursor.execute(f'DROP INDEX "{index}"')


@pytest.mark.parametrize("word", ["mueller", "Schmidt"])
def test_a_name_is_matched_in_the_trigram_index(crowd, word):
    """The folded name's LIKE '%...%' is one that a trigram index answers. On a few thousand
    documents the B-tree indexes (by account, by kind) are cheaper than any trigram lookup, so
    they are dropped, and index scans are off; so are the per-kind trigram indexes, which could be
    read whole for the kind alone: what is left to find the documents is search_title_trgm's
    lookup of the LIKE or nothing. A condition on upper() or on an unindexed column would leave
    only a sequential scan."""
    _drop_search_indexes("btree", "partial")
    plan = _plan(filter_people(crowd.account, q=word), "indexscan")
    trigram = [node for node in plan if node.get("Index Name") == "search_title_trgm"]
    assert trigram and all("folded_title" in node["Index Cond"] for node in trigram), _describe(plan)
    assert not [node for node in plan if node["Node Type"] == "Seq Scan"], _describe(plan)


@pytest.mark.parametrize("word", ["mueller", "Schmidt"])
def test_a_name_is_looked_up_among_the_people_s_names_alone(crowd, word):
    """The list's query for a name fits the people's own trigram index (search/migrations/0007):
    its documents of one kind, not every document's title with other kinds' to be thrown away
    (on the benchmark, "mueller" 8.3 -> 3.7 ms). Which of the two trigram indexes PostgreSQL picks
    on 4,000 people says little about 100,000 (where it picks the people's, docs/performance.md),
    so the one of every title is dropped with the B-tree indexes: that the people's index is then
    read shows its condition (kind = 'person') is one the list's query implies."""
    _drop_search_indexes("btree", "title")
    plan = _plan(filter_people(crowd.account, q=word), "indexscan")
    used = {node.get("Index Name") for node in plan if str(node.get("Index Name", "")).startswith("search_")}
    assert used == {"search_person_title_trgm"}, _describe(plan)


def test_a_name_s_matches_are_found_before_they_are_sorted(alice):
    """As on SQLite (test_filter_plans.py): the people whose name matches are found in the search
    index and then sorted, never found by walking every name in order and asking the index about
    each. On the benchmark, PostgreSQL's walk read 62,000 people and documents for q=Schmidt
    (160 ms), because it expected the 1,000 Schmidts to be spread over the alphabet; matched
    first they cost 8 to 17 ms. Here Weber is on 10 % of 3,000 people, which PostgreSQL walks too."""
    last_names = ["Weber" if number % 10 == 0 else f"Name{number:05d}" for number in range(3000)]
    contact_actions.create_people(alice.membership, [
        NewContact({"first_name": "Eva", "last_name": last_name}) for last_name in last_names], log_each=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = _plan(filter_people(alice.account, q="weber"))
    probes = [node for node in _scans_of(plan, "search_document")
              if "(record_id = contacts_person.record_id)" in node.get("Index Cond", "")]
    assert not probes and not any(node.get("Index Name") == "person_by_name_and_id" for node in plan), \
        _describe(plan)
