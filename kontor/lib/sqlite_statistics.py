"""Keeping SQLite's planner statistics current when a migration changes a table's indexes."""

from __future__ import annotations

from typing import Any


def refresh(schema_editor: Any, table: str) -> None:
    """ANALYZE `table` again if the SQLite database has statistics for it: its new indexes would
    otherwise have none, and the planner would take them for very selective (deals/0003: the deals
    list sorted all of an account's deals read through a new index, 130 ms at 50,000). A database
    without statistics (ANALYZE never ran on it), or another than SQLite, has nothing to keep."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        if cursor.fetchone()[0]:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
