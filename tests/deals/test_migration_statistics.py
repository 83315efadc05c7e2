"""Changing the forecast's indexes keeps a SQLite database's planner statistics current."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

refresh_statistics = importlib.import_module(
    "kontor.deals.migrations.0003_forecast_covering_indexes").refresh_statistics

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")


def _stats() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'deals_deal'")
        return {row[0] for row in cursor.fetchall()}


def test_a_database_with_statistics_gets_them_for_the_new_indexes(alice, make_deal):
    make_deal("Dach")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE idx IN ('deal_state_closed', 'deal_state_target')")
    assert "deal_state_closed" not in _stats()
    refresh_statistics(None, SimpleNamespace(connection=connection))
    assert {"deal_state_closed", "deal_state_target"} <= _stats()


def test_a_database_without_statistics_is_left_without(alice, make_deal):
    make_deal("Dach")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone()[0]:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'deals_deal'")
    refresh_statistics(None, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert not cursor.fetchone()[0] or not _stats()
