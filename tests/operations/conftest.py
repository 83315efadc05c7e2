"""Real installs for the backup tests: `kontor` subprocesses with data directories of their own and
throwaway PostgreSQL databases on the server at 127.0.0.1:5432.

Migrating a new database takes a while, so each kind is migrated once per test session (by the
real `kontor migrate`) and every test starts from a copy: a copied folder for SQLite, a database
made from the migrated one as its template for PostgreSQL.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("KONTOR_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The Redis database the restore into a Redis queue uses (the CI run's own is 15).
REDIS_URL = os.environ.get("KONTOR_TEST_BACKUP_REDIS", "redis://127.0.0.1:6379/12")
COMMAND_TIMEOUT = 300


def kontor_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an install: its data directory and what the test adds (DATABASE_URL,
    REDIS_URL, S3_*); none of the test process's own database, queue or immediate jobs."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "KONTOR_JOBS_IMMEDIATE", "DJANGO_SETTINGS_MODULE",
                          "SECRET_KEY"} and not key.startswith("S3_")}
    env.update({"KONTOR_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def kontor(args: list[str], env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs the real `kontor` command (as `python -m kontor.cli`, from this checkout)."""
    result = subprocess.run([sys.executable, "-m", "kontor.cli", *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=COMMAND_TIMEOUT, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"kontor {' '.join(args)} ended with {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def run_script(call: str, env: dict[str, str]) -> dict[str, Any]:
    """Runs a function of tests/operations/scripts.py inside `kontor shell`; returns its JSON line."""
    result = kontor(["shell", "-c", f"from tests.operations import scripts; scripts.{call}"], env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _umask_022() -> None:
    os.umask(0o022)  # a usual login shell's umask, under which files are world-readable by default


def _migrate(env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "kontor.cli", "migrate", "--no-input", "-v", "0"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
                            preexec_fn=_umask_022)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory that `kontor migrate` created under a umask of 022."""
    data_dir = tmp_path_factory.mktemp("template") / "data"
    _migrate(kontor_env(data_dir))
    return data_dir


@pytest.fixture
def new_data_dir(sqlite_template: Path, tmp_path: Path) -> Callable[[str], Path]:
    """A migrated SQLite install of its own, with no secret key yet (the first start makes one)."""

    def make(name: str) -> Path:
        data_dir = tmp_path / name
        shutil.copytree(sqlite_template, data_dir)
        (data_dir / "secret_key").unlink()
        return data_dir

    return make


def _admin(sql: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(sql)


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"kontor_ops_backup_template_{secrets.token_hex(4)}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        _migrate(kontor_env(tmp_path_factory.mktemp("pg-template"), DATABASE_URL=f"{POSTGRES}/{name}"))
        yield name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_postgres_database(request: pytest.FixtureRequest) -> Iterator[Callable[[bool], str]]:
    """Throwaway databases: migrated (a copy of the session's template) or empty; dropped at the end."""
    made: list[str] = []

    def make(migrated: bool = True) -> str:
        name = f"kontor_ops_backup_{secrets.token_hex(4)}"
        template = f' TEMPLATE "{request.getfixturevalue("postgres_template")}"' if migrated else ""
        _admin(f'CREATE DATABASE "{name}"{template}')
        made.append(name)
        return f"{POSTGRES}/{name}"

    yield make
    for name in made:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
