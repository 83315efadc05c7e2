"""Which tasks an account sees (TaskQuerySet.visible_in): all but those of its records in the trash,
asked as a list of the account's trashed records read once through their index (record_trash), not
as a join on each task's record. On PostgreSQL that join read every record of the installation for
the Tasks area's counts (10 to 24 ms on the benchmark's data, docs/performance.md); the plan pinned
here reads the trash alone, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db import connection

from kontor.contacts import actions as contact_actions
from kontor.records import actions as record_actions
from kontor.tasks.models import Task

from .conftest import make_task


def _titles(account) -> list[str]:  # noqa: ANN001
    return sorted(Task.objects.visible_in(account).values_list("title", flat=True))


def test_tasks_without_a_record_and_of_live_records_are_seen_those_in_the_trash_come_back(alice, anna, oscar):
    make_task(alice, "Standalone")
    make_task(alice, "Call Anna", record=anna.record)
    kept = contact_actions.create_person(alice.membership, {"last_name": "Berger"})
    make_task(alice, "Visit Berger", record=kept.record)
    make_task(oscar, "Oscar's own")
    assert _titles(alice.account) == ["Call Anna", "Standalone", "Visit Berger"]

    record_actions.trash_record(anna.record, alice.membership)
    assert _titles(alice.account) == ["Standalone", "Visit Berger"]
    assert _titles(oscar.account) == ["Oscar's own"]

    record_actions.restore_record(anna.record, alice.membership)
    assert _titles(alice.account) == ["Call Anna", "Standalone", "Visit Berger"]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def test_the_trash_is_read_once_through_its_index_not_joined_per_task(alice, anna):
    make_task(alice, "Call Anna", record=anna.record)
    record_actions.trash_record(anna.record, alice.membership)
    open_tasks = Task.objects.visible_in(alice.account).filter(assignee=alice.user).open().values("due_date")
    sql, params = open_tasks.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [row[3] for row in cursor.fetchall()]
            assert "LIST SUBQUERY 1" in steps, steps
            assert [step for step in steps if "record_trash" in step], steps
            assert not [step for step in steps if "CORRELATED" in step or "LEFT-JOIN" in step], steps
            return
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = on")
    if isinstance(plan, str):
        plan = json.loads(plan)
    nodes = list(_nodes(plan[0]["Plan"]))
    assert not [node for node in nodes if "Join" in node["Node Type"] or node["Node Type"] == "Nested Loop"], nodes
    (task_scan,) = [node for node in nodes if node.get("Relation Name") == "tasks_task"]
    assert "hashed SubPlan" in task_scan.get("Filter", ""), task_scan
    trash_reads = [node for node in nodes if node.get("Relation Name") == "records_record"]
    assert [node.get("Parent Relationship") for node in trash_reads] == ["SubPlan"], nodes
    assert "account_id" in trash_reads[0].get("Index Cond", "") + trash_reads[0].get("Recheck Cond", ""), nodes
