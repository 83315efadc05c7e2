"""Imported tags find the account's existing tags by name, case-insensitively for every letter
(not only ASCII ones), the same on SQLite and PostgreSQL, however many names a file brings."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

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


def test_a_hundred_new_tags_are_created_in_one_insert(alice, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # read, one INSERT, read again
        tags = record_actions.get_or_create_tags(alice.account, [f"Messe {i}" for i in range(100)] + ["messe 7"])
    assert [tag.name for tag in tags] == [f"Messe {i}" for i in range(100)]  # "messe 7" is "Messe 7"
    assert Tag.objects.count() == 100


def _wait_until_an_insert_waits_for_a_lock() -> None:
    """Until the other thread's INSERT of a tag waits for the first thread's row (at most 30 s)."""
    for _attempt in range(300):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND query LIKE 'INSERT INTO \"records_tag\"%%'")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("the second INSERT never waited for the first")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one connection write at a time")
@pytest.mark.django_db(transaction=True)
def test_a_tag_that_another_worker_creates_at_the_same_moment_is_used_not_a_crash(alice):
    inserted, commit = threading.Event(), threading.Event()
    created: list[object] = []
    found: list[object] = []

    def other_worker() -> None:
        try:
            with transaction.atomic():
                created.append(record_actions.get_or_create_tags(alice.account, ["Messe"])[0])
                inserted.set()
                commit.wait(30)
        finally:
            connection.close()

    def this_worker() -> None:
        try:
            found.append(record_actions.get_or_create_tags(alice.account, ["messe"])[0])
        except Exception as error:  # noqa: BLE001 - the failure is what the test looks for
            found.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=other_worker)
    first.start()
    assert inserted.wait(30)
    second = threading.Thread(target=this_worker)
    second.start()
    _wait_until_an_insert_waits_for_a_lock()
    commit.set()
    first.join(30)
    second.join(30)
    assert found == created
    assert Tag.objects.count() == 1
