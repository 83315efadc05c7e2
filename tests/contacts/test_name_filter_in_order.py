"""A list filtered by name alone reads its page in order from the search index
(contacts.queries._first_named, search.backends.names_in_order): it must show exactly what the
general filter shows, page by page, through renames, the trash, other accounts and other filters."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.actions import NewContact
from kontor.contacts.queries import PER_PAGE, filter_companies, filter_people
from kontor.records import actions as record_actions

NAMES = [("Anna", "Schmidt"), ("Bernd", "Schmidtke"), ("Jörg", "Müller"), ("Jan", "Mueller"), ("Eva", "Muller"),
         ("Otto", "Weiß"), ("Ida", "Weiss"), ("Karl", "Goldschmidt"), ("Lena", "Schmied"), ("Max", "Schmidt"),
         ("Zoe", "Adler"), ("Ali", "schmidt"), ("Ute", "Schmidt-Meyer")]
QUERIES = ["schmidt", "Schmidt", "mueller", "müller", "muller", "weiss", "weiß", "schmi", "anna schmidt",
           "SCHMIDT max", "dt", "xyz", "ller", "Schmidt-Meyer"]


@pytest.fixture
def people(alice, oscar):
    made = actions.create_people(alice.membership, [
        NewContact({"first_name": first, "last_name": last}) for first, last in NAMES])
    actions.create_people(oscar.membership, [NewContact({"first_name": "Anna", "last_name": "Schmidt"})])
    return {person.full_name: person for person in made}


def _both(account, query: str, first: int, order: str = "name") -> tuple[list[int], list[int]]:
    general = [p.pk for p in filter_people(account, q=query, order=order)[:first]]
    in_order = [p.pk for p in filter_people(account, q=query, order=order, first=first)[:first]]
    return general, in_order


def _same_for_every_first(account, query: str = "schmidt", order: str = "name") -> list[int]:
    """The general filter's ids, after checking that a page of any size (fewer rows than matches,
    so that the index's order decides which come) shows the same."""
    everyone = _both(account, query, 50, order)[0]
    for first in range(1, len(everyone) + 1):
        general, in_order = _both(account, query, first, order)
        assert in_order == general == everyone[:first], (query, first)
    return everyone


def test_every_query_finds_the_same_people_in_the_same_order(alice, people):
    for query in QUERIES:
        for first in (1, 3, 50):
            general, in_order = _both(alice.account, query, first)
            assert in_order == general, (query, first)
    assert len(_both(alice.account, "schmidt", 50)[1]) == 6  # Schmidt x3, Schmidtke, Goldschmidt, Schmidt-Meyer


def test_renamed_trashed_and_restored_people_follow_at_once(alice, people):
    max_schmidt = people["Max Schmidt"]
    actions.update_person(max_schmidt, alice.membership, {"first_name": "Max", "last_name": "Aalschmidt"})
    anna = people["Anna Schmidt"]
    record_actions.trash_record(anna.record, alice.membership)
    found = _same_for_every_first(alice.account)
    assert max_schmidt.pk == found[0]  # "aalschmidt max" sorts first now: its sort key moved along
    assert anna.pk not in found
    actions.update_person(max_schmidt, alice.membership, {"first_name": "Max", "last_name": "Zschmidt"})
    assert _same_for_every_first(alice.account)[-1] == max_schmidt.pk
    anna.record.refresh_from_db()
    record_actions.restore_record(anna.record, alice.membership)
    assert anna.pk in _same_for_every_first(alice.account)


def test_merged_bulk_deleted_and_imported_people_follow_at_once(alice, people):
    from kontor.contacts.merge import merge_people, undo_merge
    from kontor.records import bulk
    from kontor.records.models import Merge

    anna, max_schmidt, ali = people["Anna Schmidt"], people["Max Schmidt"], people["Ali schmidt"]
    merge_people(alice.membership, anna, [max_schmidt])
    assert max_schmidt.pk not in _same_for_every_first(alice.account)
    undo_merge(alice.membership, Merge.objects.get(survivor=anna.record))
    assert max_schmidt.pk in _same_for_every_first(alice.account)
    bulk.run(alice.membership, bulk.KINDS["people"], "delete", {}, [ali.pk])
    assert ali.pk not in _same_for_every_first(alice.account)
    made = actions.create_people(alice.membership, [NewContact({"first_name": "Aaron", "last_name": "Schmidt"})],
                                 log_each=False)
    assert _same_for_every_first(alice.account)[:2] == [people["Karl Goldschmidt"].pk, made[0].pk]


def test_other_filters_and_orders_take_the_general_way(alice, people):
    actions.update_person(people["Anna Schmidt"], alice.membership, {"first_name": "Anna", "last_name": "Schmidt"},
                          tags=["Kunde"])
    tagged = filter_people(alice.account, q="schmidt", tags=["Kunde"], first=50)
    assert [p.full_name for p in tagged] == ["Anna Schmidt"]
    for first in (1, 2, 3):  # newest first: not the index's order, so the general way
        general, in_order = _both(alice.account, "schmidt", first, order="-updated_at")
        assert in_order == general


def test_companies_too(alice, oscar):
    for name in ("Schmidt GmbH", "Bäckerei Schmidt", "Müller AG", "Mueller KG", "Adler GmbH"):
        actions.create_company(alice.membership, {"name": name})
    actions.create_company(oscar.membership, {"name": "Schmidt Oscar GmbH"})
    for query in ("schmidt", "mueller", "gmbh", "ag"):
        general = [c.pk for c in filter_companies(alice.account, q=query)]
        assert [c.pk for c in filter_companies(alice.account, q=query, first=50)] == general, query
    assert [c.name for c in filter_companies(alice.account, q="schmidt", first=50)] == ["Bäckerei Schmidt",
                                                                                          "Schmidt GmbH"]


def test_the_second_page_of_a_long_match(alice):
    actions.create_people(alice.membership, [
        NewContact({"first_name": f"Vorname{n:03d}", "last_name": "Schmidt"}) for n in range(PER_PAGE + 7)])
    first_page = alice.client.get(reverse("people:list"), {"q": "schmidt"})
    second_page = alice.client.get(reverse("people:list"), {"q": "schmidt", "page": 2})
    assert first_page.status_code == second_page.status_code == 200
    assert b"Vorname000 Schmidt" in first_page.content and b"Vorname049 Schmidt" in first_page.content
    assert b"Vorname050 Schmidt" not in first_page.content
    assert b"Vorname050 Schmidt" in second_page.content and b"Vorname056 Schmidt" in second_page.content
    assert b"Vorname049 Schmidt" not in second_page.content


def test_the_page_is_read_from_the_names_index_not_the_documents(alice, people):
    with CaptureQueriesContext(connection) as queries:
        response = alice.client.get(reverse("people:list"), {"q": "schmidt"})
    assert response.status_code == 200
    asked = [query["sql"] for query in queries if "search_" in query["sql"]]
    assert len(asked) == 1  # one look into the index, none per match
    if connection.vendor == "sqlite":
        assert "search_fts_names" in asked[0] and "search_document" not in asked[0]
    else:
        assert 'ORDER BY "search_document"."sort_key"' in asked[0]


def test_the_full_text_triggers_survive_the_migrations(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'search_document'")
        else:  # PostgreSQL's trigram indexes need no triggers
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'search_document'::regclass "
                           "AND NOT tgisinternal")
        triggers = {row[0] for row in cursor.fetchall()}
    wanted = {f"{table}_{event}" for table in ("search_fts_records", "search_fts_texts", "search_fts_names")
              for event in ("insert", "delete", "update")}
    assert triggers == (wanted if connection.vendor == "sqlite" else set())
