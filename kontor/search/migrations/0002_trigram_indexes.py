"""The trigram indexes the search runs on, one kind per database:

SQLite: two FTS5 tables with the trigram tokenizer over search_document's folded columns (external
content: the text is stored once, in search_document), one for the records the quick search looks
at and one for notes, e-mails, tasks and the rest. Triggers keep them in step with every insert,
update and delete of search_document, including bulk writes and cascading deletes.

PostgreSQL: the pg_trgm extension and GIN indexes on the folded columns, which serve LIKE '%...%'.
"""

from django.db import migrations

from kontor.lib import migration_steps

RECORD_KINDS = "('person', 'company', 'deal', 'project')"


def _fts_sql(table: str, condition: str) -> list[str]:
    columns = "folded_title, folded_text"
    new = "new.id, new.folded_title, new.folded_text"
    old = "old.id, old.folded_title, old.folded_text"
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='search_document', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON search_document WHEN new.kind {condition} BEGIN "
        f"INSERT INTO {table}(rowid, {columns}) VALUES ({new}); END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON search_document WHEN old.kind {condition} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', {old}); END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF folded_title, folded_text ON search_document "
        f"WHEN old.kind {condition} BEGIN "
        f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', {old}); "
        f"INSERT INTO {table}(rowid, {columns}) VALUES ({new}); END",
    ]


SQLITE = [*_fts_sql("search_fts_records", f"IN {RECORD_KINDS}"),
          *_fts_sql("search_fts_texts", f"NOT IN {RECORD_KINDS}")]
SQLITE_REVERSE = [f"DROP TRIGGER {table}_{event}" for table in ("search_fts_records", "search_fts_texts")
                  for event in ("insert", "delete", "update")] + [
    "DROP TABLE search_fts_records", "DROP TABLE search_fts_texts"]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_title_trgm ON search_document USING gin (folded_title gin_trgm_ops)",
    "CREATE INDEX search_text_trgm ON search_document USING gin (folded_text gin_trgm_ops)",
]
POSTGRESQL_REVERSE = ["DROP INDEX search_title_trgm", "DROP INDEX search_text_trgm"]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(migration_steps.statements_for({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
                             migration_steps.statements_for({"sqlite": SQLITE_REVERSE,
                                                             "postgresql": POSTGRESQL_REVERSE})),
    ]
