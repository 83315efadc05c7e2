"""Steps that migrations share: SQL that differs by database, and SQLite's planner statistics kept
current when a migration changes a table's indexes. Each returns the function a RunPython runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Step = Callable[[Any, Any], None]


def statements_for(statements: Mapping[str, Sequence[str]]) -> Step:
    """Runs the statements listed for the database's vendor ("sqlite", "postgresql"), none for
    another."""
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)
    return run


def refresh_statistics(table: str) -> Step:
    """ANALYZEs `table` again if the SQLite database has statistics for it: its new indexes would
    otherwise have none, and the planner would take them for very selective (deals/0003: the deals
    list sorted all of an account's deals read through a new index, 130 ms at 50,000; tasks/0002).
    A database without statistics (ANALYZE never ran on it), or another than SQLite, has nothing to
    keep."""
    def run(apps: Any, schema_editor: Any) -> None:
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
    return run
