"""A consistent copy of the database while Kontor runs, and putting one back.

SQLite is copied with its online backup API in one step: the copy is one consistent state even
while other processes write (WAL). PostgreSQL is dumped by `pg_dump --format=custom` inside a
repeatable-read snapshot that the row counts and the migrations list are read from as well, so the
manifest describes exactly what the dump holds.

Restoring: SQLite into SQLite through the backup API again; PostgreSQL into PostgreSQL with
pg_restore; SQLite into PostgreSQL (moving up to a bigger setup) by copying every model's rows
through Django's fields, which turn SQLite's values into PostgreSQL's types.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

SQLITE_MEMBER = "database/kontor.sqlite3"
POSTGRES_MEMBER = "database/kontor.pgdump"
ARCHIVE_ALIAS = "kontor_archive"
COPY_BATCH = 1000


class DatabaseError(Exception):
    """The database cannot be backed up or restored as asked; the message says why."""


@dataclass
class Snapshot:
    vendor: str
    path: Path
    member: str
    migrations: list[list[str]]
    row_counts: dict[str, int]


def model_tables() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included."""
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy]


def _table_names() -> list[str]:
    return sorted({model._meta.db_table for model in model_tables()})


def take_snapshot(into: Path) -> Snapshot:
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(Path(settings.DATABASES["default"]["NAME"]), into)
    if connection.vendor == "postgresql":
        return _postgres_snapshot(into)
    raise DatabaseError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def _sqlite_snapshot(database: Path, into: Path) -> Snapshot:
    if not database.exists():
        raise DatabaseError(f"There is no database at {database} yet; start Kontor (or `kontor migrate`) first.")
    copy = into / "kontor.sqlite3"
    # A plain connection, though it only reads: a read-only one cannot open a WAL database whose
    # -shm file is missing (no Kontor process has it open).
    with closing(sqlite3.connect(database, timeout=30)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)  # pages=-1: the whole database in one step, so one consistent state
        target.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
        tables = {row[0] for row in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {table: target.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                  for table in _table_names() if table in tables}
        migrations = ([list(row) for row in target.execute("SELECT app, name FROM django_migrations ORDER BY id")]
                      if "django_migrations" in tables else [])
    return Snapshot("sqlite", copy, SQLITE_MEMBER, migrations, counts)


def _postgres_environment() -> dict[str, str]:
    """libpq's variables for the configured database, so the password never shows in `ps`."""
    database = settings.DATABASES["default"]
    values = {"PGDATABASE": database.get("NAME"), "PGUSER": database.get("USER"),
              "PGPASSWORD": database.get("PASSWORD"), "PGHOST": database.get("HOST"),
              "PGPORT": str(database.get("PORT") or "")}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        values[f"PG{option.upper()}"] = database.get("OPTIONS", {}).get(option)
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseError(
            f"{name} was not found. It comes with PostgreSQL's client programs: install them in the "
            f"server's major version or newer (Debian and Ubuntu: apt-get install postgresql-client) "
            f"and make sure {name} is on the PATH of the user who runs Kontor.")
    return path


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_postgres_environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DatabaseError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _postgres_snapshot(into: Path) -> Snapshot:
    pg_dump = _postgres_tool("pg_dump")
    dump = into / "kontor.pgdump"
    with transaction.atomic(), connection.cursor() as cursor:
        # The dump, the counts and the migrations list all see this one snapshot.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        if "django_migrations" not in existing:
            raise DatabaseError("The database holds no Kontor tables yet; start Kontor (or `kontor migrate`) first.")
        counts = {}
        for table in _table_names():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = [list(row) for row in cursor.fetchall()]
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot_id}", "--file", str(dump)], "pg_dump")
    dump.chmod(0o600)
    return Snapshot("postgresql", dump, POSTGRES_MEMBER, migrations, counts)


def unknown_migrations(migrations: list[list[str]]) -> list[str]:
    """Migrations the archive's database had that this Kontor does not know: a newer Kontor made it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return [f"{app}.{name}" for app, name in migrations if (app, name) not in known]


def holds_an_account() -> bool:
    """Whether the configured database already holds a team's data."""
    with connection.cursor() as cursor:
        if "accounts_account" not in connection.introspection.table_names(cursor):
            return False
        cursor.execute("SELECT 1 FROM accounts_account LIMIT 1")
        return cursor.fetchone() is not None


def restore(vendor: str, dump: Path) -> None:
    """Replaces the configured database's content by the archive's `dump` (made on `vendor`),
    then migrates it forward to this Kontor's schema."""
    target = connection.vendor
    if vendor == "sqlite" and target == "sqlite":
        _restore_sqlite(dump)
    elif vendor == "postgresql" and target == "postgresql":
        _restore_postgres(dump)
    elif vendor == "sqlite" and target == "postgresql":
        _copy_sqlite_into_postgres(dump)
    else:
        raise DatabaseError(f"A backup of a {vendor} database cannot be restored into {target}; "
                            "set DATABASE_URL to a PostgreSQL database to restore it.")
    call_command("migrate", interactive=False, verbosity=0)


def _restore_sqlite(dump: Path) -> None:
    database = Path(settings.DATABASES["default"]["NAME"])
    connections.close_all()
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(database, timeout=30)) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")


def _restore_postgres(dump: Path) -> None:
    """pg_restore writes an SQL script that psql runs in one transaction after dropping the
    tables that are there: a restore that fails leaves the database as it was."""
    pg_restore, psql = _postgres_tool("pg_restore"), _postgres_tool("psql")
    with tempfile.TemporaryDirectory(dir=dump.parent) as folder:
        listing, script = Path(folder) / "list", Path(folder) / "restore.sql"
        result = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise DatabaseError(f"pg_restore cannot read the dump: {result.stderr.strip()}")
        # Comments on extensions and on the public schema belong to their owners (often postgres);
        # Kontor's own user could not set them, and they carry nothing Kontor needs.
        listing.write_text("\n".join(line for line in result.stdout.splitlines()
                                     if " COMMENT - EXTENSION " not in line and " COMMENT - SCHEMA " not in line))
        _run([pg_restore, "--no-owner", "--no-privileges", "--use-list", str(listing), "--file", str(script),
              str(dump)], "pg_restore")
        drops = "".join(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE;\n"
                        for table in _existing_tables())
        script.write_text(drops + script.read_text())
        connections.close_all()
        _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1", "--file",
              str(script)], "Restoring the PostgreSQL dump")


def _existing_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _archive_connection(path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A second Django connection onto the archive's SQLite file, under its own alias."""
    connections.settings[ARCHIVE_ALIAS] = connections.configure_settings({
        "default": connections.settings["default"],
        ARCHIVE_ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}})[ARCHIVE_ALIAS]
    try:
        yield connections[ARCHIVE_ALIAS]
    finally:
        connections[ARCHIVE_ALIAS].close()
        del connections[ARCHIVE_ALIAS]
        del connections.settings[ARCHIVE_ALIAS]


def _copy_sqlite_into_postgres(dump: Path) -> None:
    """Moves a SQLite backup into PostgreSQL:

    1. migrate the archive's copy forward, so that it has this Kontor's schema;
    2. give the PostgreSQL database this Kontor's schema, empty (drop and migrate unless it is
       migrated already, then empty every table);
    3. copy each model's rows, reading and writing through its fields, in one transaction (the
       foreign keys are checked at the commit, so the order of the tables does not matter);
    4. set every id sequence past the highest id copied.
    """
    with _archive_connection(dump) as archive:
        call_command("migrate", database=ARCHIVE_ALIAS, interactive=False, verbosity=0)
        _empty_postgres_schema()
        tables = model_tables()
        with transaction.atomic():
            with connection.cursor() as cursor:
                names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
                cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for model in tables:
                _copy_rows(model, archive)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                    cursor.execute(statement)


def _empty_postgres_schema() -> None:
    wanted = {(app, name) for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    if wanted <= MigrationRecorder(connection).applied_migrations().keys():
        return  # migrated already; the copy empties the tables
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _existing_tables():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    call_command("migrate", interactive=False, verbosity=0)


def _copy_rows(model: Any, archive: BaseDatabaseWrapper) -> None:
    fields = [field for field in model._meta.local_concrete_fields if not getattr(field, "generated", False)]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    statement = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    rows = model._base_manager.using(archive.alias).order_by().iterator(chunk_size=COPY_BATCH)
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for obj in rows:
            batch.append([field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields])
            if len(batch) == COPY_BATCH:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)


def row_counts() -> dict[str, int]:
    """Rows per model table of the configured database, as it is now."""
    counts = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in _table_names():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts
