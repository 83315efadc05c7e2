"""Making the done tasks' indexes partial (tasks/0002) keeps a SQLite database's planner statistics
current, and with them the open tasks are read along task_open_by_assignee."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from kontor.tasks import actions
from kontor.tasks.models import Task

from .conftest import make_task

refresh_statistics = importlib.import_module("kontor.tasks.migrations.0002_done_indexes_partial").refresh_statistics

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")


def _stats() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'tasks_task'")
        return {row[0] for row in cursor.fetchall()}


def test_a_database_with_statistics_gets_them_for_the_new_indexes(alice):
    actions.complete_task(make_task(alice, "Call back"), alice.membership)  # an index of done tasks
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE idx IN ('task_done_by_assignee', 'task_done_in_account')")
    refresh_statistics(None, SimpleNamespace(connection=connection))
    assert {"task_done_by_assignee", "task_done_in_account"} <= _stats()


def test_someone_s_open_tasks_are_read_along_the_open_tasks_index(alice):
    for day in range(30):
        make_task(alice, f"Task {day}", due_date=dt.date(2026, 1, 1) + dt.timedelta(days=day))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    due = (Task.objects.visible_in(alice.account).filter(assignee=alice.user, due_date__lte=dt.date(2026, 1, 20))
           .open().order_by("due_date", "due_time", "pk")[:10])
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        steps = [row[3] for row in cursor.fetchall()]
    assert any("task_open_by_assignee" in step for step in steps), steps
    assert not any("task_done_by_assignee" in step for step in steps), steps
