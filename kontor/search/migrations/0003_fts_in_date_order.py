"""SQLite: the FTS5 tables become contentless and key their rows by date, so that "newest first"
comes straight out of the full-text index.

FTS5 hands out its matches in rowid order, and can walk them backwards and stop early. With the
document id as rowid (0002) a common word (150,000 matching notes) meant reading every match and
sorting it by date before the first page could show. Here the rowid is

    (seconds since 1970 of sort_at) << 31  |  document id

so the newest matches come first and the document id is the lower 31 bits (search_document may hold
up to 2^31 rows). The tables hold no copy of the text (content=''); the triggers give FTS5 the old
values it needs to forget a row. PostgreSQL is unchanged (its GIN indexes answer in any order).
"""

from django.db import migrations

from kontor.lib import migration_steps

RECORD_KINDS = "('person', 'company', 'deal', 'project')"
TABLES = {"search_fts_records": f"IN {RECORD_KINDS}", "search_fts_texts": f"NOT IN {RECORD_KINDS}"}


def _key(row: str) -> str:
    # "%%" because the schema editor runs each statement with (empty) parameters: %%s reaches SQLite as %s.
    return f"((CAST(strftime('%%s', {row}.sort_at) AS INTEGER) << 31) | {row}.id)"


def _create(table: str, condition: str) -> list[str]:
    columns = "folded_title, folded_text"
    new = f"{_key('new')}, new.folded_title, new.folded_text"
    old = f"{_key('old')}, old.folded_title, old.folded_text"
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='', tokenize='trigram')",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON search_document WHEN new.kind {condition} BEGIN "
        f"INSERT INTO {table}(rowid, {columns}) VALUES ({new}); END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON search_document WHEN old.kind {condition} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', {old}); END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF folded_title, folded_text, sort_at ON search_document "
        f"WHEN old.kind {condition} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', {old}); "
        f"INSERT INTO {table}(rowid, {columns}) VALUES ({new}); END",
        f"INSERT INTO {table}(rowid, {columns}) SELECT {_key('search_document')}, folded_title, folded_text "
        f"FROM search_document WHERE kind {condition}",
    ]


def _drop(table: str) -> list[str]:
    return [f"DROP TRIGGER {table}_{event}" for event in ("insert", "delete", "update")] + [f"DROP TABLE {table}"]


forward = migration_steps.statements_for(
    {"sqlite": [statement for table, condition in TABLES.items() for statement in _drop(table) + _create(table, condition)]})


def backward(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "sqlite":
        return
    from importlib import import_module

    previous = import_module("kontor.search.migrations.0002_trigram_indexes")
    for table in TABLES:
        for statement in _drop(table):
            schema_editor.execute(statement)
    for statement in previous.SQLITE:
        schema_editor.execute(statement)
    for table in TABLES:
        schema_editor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_trigram_indexes")]

    operations = [migrations.RunPython(forward, backward)]
