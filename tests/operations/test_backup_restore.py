"""`kontor backup` and `kontor restore` as an operator runs them: real subprocesses, real SQLite
files and PostgreSQL databases, a writer creating people while the backup runs."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.operations.conftest import REDIS_URL, ROOT, kontor, kontor_env, run_script

WRITER_TIMEOUT = 120


class Writer:
    """`kontor shell` creating people one by one until told to stop; counts what it wrote."""

    def __init__(self, env: dict[str, str], stop_file: Path) -> None:
        self.stop_file = stop_file
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kontor.cli", "shell", "-c",
             f"from tests.operations import scripts; scripts.write_people({str(stop_file)!r})"],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.count = 0
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, count: int) -> int:
        deadline = time.monotonic() + WRITER_TIMEOUT
        while self.count < count:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError("the writer stopped writing:\n" + "".join(self.output)) from None
            self.output.append(line)
            if line.strip().isdigit():
                self.count = int(line)
        return self.count

    def written_so_far(self) -> int:
        while not self.lines.empty():
            line = self.lines.get()
            self.output.append(line)
            if line.strip().isdigit():
                self.count = int(line)
        return self.count

    def stop(self) -> int:
        self.stop_file.touch()
        try:
            self.process.wait(timeout=WRITER_TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        return self.written_so_far()


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


def backup_while_writing(env: dict[str, str], archive: Path, stop_file: Path) -> tuple[dict[str, Any], int, int]:
    """Seeds the install, starts a writer, backs up while it writes; returns the seed's answer and
    how many people the writer had made when the backup started and when it ended."""
    seeded = run_script("seed()", env)
    writer = Writer(env, stop_file)
    try:
        started = writer.wait_for(3)
        result = kontor(["backup", "--output", str(archive)], env)
        ended = writer.written_so_far()
    finally:
        writer.stop()
    assert result.stdout.strip() == str(archive)
    return seeded, started, ended


def assert_restored(archive: Path, origin_env: dict[str, str], target_env: dict[str, str], seeded: dict[str, Any],
                    started: int, ended: int) -> None:
    manifest = manifest_of(archive)
    people = manifest["row_counts"]["contacts_person"]
    # one consistent state: the seeded person and what the writer had made at some moment in between
    assert 1 + started <= people <= 1 + ended + 1
    restored = kontor(["restore", str(archive)], target_env)
    assert f"contacts_person: {people}" in restored.stdout
    assert f"stored files: {manifest['files']}" in restored.stdout

    after = run_script(f"describe({seeded['token']!r})", target_env)
    origin = run_script("describe()", origin_env)
    assert after["accounts"] == ["Sicherung GmbH"]
    assert after["people"] == after["person_records"] == people
    assert after["people_without_record"] == 0
    assert after["files"] == origin["files"] and len(after["files"]) == 1
    assert after["pending"] == manifest["jobs"]["pending"] >= seeded["pending"] >= 1
    assert after["signed"] == "still valid"  # the same secret key: sessions and mailed links go on working


def test_a_sqlite_install_comes_back_whole_from_a_backup_taken_while_it_writes(
        new_data_dir: Callable[[str], Path], tmp_path: Path) -> None:
    origin, target = new_data_dir("origin"), new_data_dir("target")
    origin_env, target_env = kontor_env(origin), kontor_env(target)
    archive = tmp_path / "kontor.tar.gz"

    seeded, started, ended = backup_while_writing(origin_env, archive, tmp_path / "stop")

    assert ended > started, "the writer wrote while the backup ran"
    assert archive.stat().st_mode & 0o777 == 0o600
    assert_restored(archive, origin_env, target_env, seeded, started, ended)
    assert (target / "secret_key").read_text() == (origin / "secret_key").read_text()
    stored = [path for path in (target / "files").rglob("*") if path.is_file()]
    assert stored and all(path.stat().st_mode & 0o777 == 0o600 for path in stored)


def test_a_postgresql_install_comes_back_whole_from_a_backup_taken_while_it_writes(
        new_postgres_database: Callable[[bool], str], tmp_path: Path) -> None:
    origin_env = kontor_env(tmp_path / "origin", DATABASE_URL=new_postgres_database(True))
    target_env = kontor_env(tmp_path / "target", DATABASE_URL=new_postgres_database(True))
    archive = tmp_path / "kontor.tar.gz"

    seeded, started, ended = backup_while_writing(origin_env, archive, tmp_path / "stop")

    assert ended > started, "the writer wrote while the backup ran"
    assert "database/kontor.pgdump" in manifest_of(archive)["members"]
    assert_restored(archive, origin_env, target_env, seeded, started, ended)


@pytest.fixture(scope="module")
def sqlite_archive(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One seeded SQLite install and its backup, shared by the tests that restore it."""
    import shutil

    origin = tmp_path_factory.mktemp("seeded") / "data"
    shutil.copytree(sqlite_template, origin)
    (origin / "secret_key").unlink()
    env = kontor_env(origin)
    seeded = run_script("seed()", env)
    archive = origin.parent / "kontor.tar.gz"
    kontor(["backup", "--output", str(archive)], env)
    return {"archive": archive, "seeded": seeded, "origin_env": env, "origin": run_script("describe()", env)}


@pytest.fixture
def redis_queue() -> Iterator[str]:
    """A Redis job queue for the test, emptied before and after."""
    client = redis.Redis.from_url(REDIS_URL)

    def empty() -> None:
        for key in client.scan_iter("huey.*kontor*"):
            client.delete(key)

    empty()
    yield REDIS_URL
    empty()


def test_a_sqlite_backup_moves_into_a_new_postgresql_database_with_a_redis_queue(
        sqlite_archive: dict[str, Any], new_postgres_database: Callable[[bool], str], redis_queue: str,
        tmp_path: Path) -> None:
    target_env = kontor_env(tmp_path / "target", DATABASE_URL=new_postgres_database(False), REDIS_URL=redis_queue)
    archive = sqlite_archive["archive"]

    restored = kontor(["restore", str(archive)], target_env)

    assert "contacts_person: 1" in restored.stdout
    after = run_script(f"describe({sqlite_archive['seeded']['token']!r})", target_env)
    assert after["accounts"] == ["Sicherung GmbH"]
    assert after["people"] == after["person_records"] == 1
    assert after["files"] == sqlite_archive["origin"]["files"]
    assert after["pending"] == manifest_of(archive)["jobs"]["pending"] >= 1
    assert after["signed"] == "still valid"
    # The ids go on after the copied ones: a new account gets the next id, not one already taken.
    created = kontor(["createaccount", "--name", "Neu AG", "--email", "neu@example.com", "--password",
                      "another good password"], target_env)
    assert int(created.stdout.strip()) == 2


def test_an_archive_of_an_older_kontor_is_migrated_forward(
        new_data_dir: Callable[[str], Path], tmp_path: Path) -> None:
    origin_env, target_env = kontor_env(new_data_dir("origin")), kontor_env(new_data_dir("target"))
    run_script("seed()", origin_env)
    unapplied = run_script("step_back('notifications')", origin_env)["unapplied"]
    archive = tmp_path / "older.tar.gz"
    kontor(["backup", "--output", str(archive)], origin_env)
    assert unapplied not in manifest_of(archive)["migrations"]

    kontor(["restore", str(archive)], target_env)

    assert kontor(["migrate", "--check"], target_env, check=False).returncode == 0  # nothing left to apply
    assert run_script("describe()", target_env)["accounts"] == ["Sicherung GmbH"]


def test_restore_refuses_an_install_that_already_holds_an_account(
        sqlite_archive: dict[str, Any], new_data_dir: Callable[[str], Path]) -> None:
    target_env = kontor_env(new_data_dir("target"))
    kontor(["createaccount", "--name", "Andere AG", "--email", "ida@example.com", "--password", "a good password"],
           target_env)

    refused = kontor(["restore", str(sqlite_archive["archive"])], target_env, check=False)

    assert refused.returncode != 0
    assert "already holds an account" in refused.stderr and "--force" in refused.stderr
    assert run_script("describe()", target_env)["accounts"] == ["Andere AG"]


def test_restore_with_force_replaces_what_the_install_held(
        sqlite_archive: dict[str, Any], new_data_dir: Callable[[str], Path]) -> None:
    target_env = kontor_env(new_data_dir("target"))
    kontor(["createaccount", "--name", "Andere AG", "--email", "ida@example.com", "--password", "a good password"],
           target_env)

    kontor(["restore", "--force", str(sqlite_archive["archive"])], target_env)

    after = run_script(f"describe({sqlite_archive['seeded']['token']!r})", target_env)
    assert after["accounts"] == ["Sicherung GmbH"]
    assert after["signed"] == "still valid"


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


@pytest.mark.parametrize("damage", [_flip_a_byte, lambda data: data[: len(data) // 3]],
                         ids=["a flipped byte", "cut off"])
def test_a_damaged_archive_is_refused_with_a_message_and_nothing_changes(
        damage: Callable[[bytes], bytes], sqlite_archive: dict[str, Any], new_data_dir: Callable[[str], Path],
        tmp_path: Path) -> None:
    target = new_data_dir("target")
    target_env = kontor_env(target)
    kontor(["createaccount", "--name", "Andere AG", "--email", "ida@example.com", "--password", "a good password"],
           target_env)
    key = (target / "secret_key").read_text()
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(damage(sqlite_archive["archive"].read_bytes()))

    refused = kontor(["restore", "--force", str(damaged)], target_env, check=False)

    assert refused.returncode != 0
    assert "Nothing was restored" in refused.stderr and "damaged" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run_script("describe()", target_env)["accounts"] == ["Andere AG"]
    assert (target / "secret_key").read_text() == key


def test_a_postgresql_backup_without_pg_dump_says_what_to_install(
        new_postgres_database: Callable[[bool], str], tmp_path: Path) -> None:
    env = kontor_env(tmp_path / "data", DATABASE_URL=new_postgres_database(True), PATH=str(tmp_path / "no-bin"))
    archive = tmp_path / "kontor.tar.gz"

    result = kontor(["backup", "--output", str(archive)], env, check=False)

    assert result.returncode != 0
    assert "pg_dump was not found" in result.stderr and "postgresql-client" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.glob("*kontor.tar.gz*")) == []  # no half-written archive is left behind


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_a_database_that_cannot_be_reached_is_named_in_a_message(
        command: str, sqlite_archive: dict[str, Any], tmp_path: Path) -> None:
    missing = "postgres://postgres@127.0.0.1:5432/kontor_ops_backup_never_created"
    args = ["backup", "--output", str(tmp_path)] if command == "backup" else ["restore", str(sqlite_archive["archive"])]

    result = kontor(args, kontor_env(tmp_path / "data", DATABASE_URL=missing), check=False)

    assert result.returncode != 0
    assert "cannot be reached" in result.stderr and "kontor_ops_backup_never_created" in result.stderr
    assert "Traceback" not in result.stderr


def test_restore_of_a_missing_file_says_so(new_data_dir: Callable[[str], Path], tmp_path: Path) -> None:
    result = kontor(["restore", str(tmp_path / "nowhere.tar.gz")], kontor_env(new_data_dir("target")), check=False)

    assert result.returncode != 0
    assert "There is no file" in result.stderr and "Traceback" not in result.stderr


def test_the_nightly_backup_keeps_the_newest_and_zero_switches_it_off(new_data_dir: Callable[[str], Path]) -> None:
    data_dir = new_data_dir("data")
    (data_dir / "backups").mkdir()
    manual = data_dir / "backups" / "kontor-20261001-120000.tar.gz"
    manual.write_bytes(b"an archive the operator made by hand")

    kept = run_script("rotate(5)", kontor_env(data_dir, KONTOR_BACKUP_KEEP="3"))

    assert kept["made"] == [f"nightly-2026-11-0{day}.tar.gz" for day in range(1, 6)]
    assert kept["again"] == "nightly-2026-11-05.tar.gz"
    newest = sorted(["nightly-2026-11-04.tar.gz", "nightly-2026-11-05.tar.gz", kept["job"]])[-3:]
    assert kept["kept"] == sorted([manual.name, *newest])
    assert manual.read_bytes() == b"an archive the operator made by hand"

    switched_off = run_script("rotate(2)", kontor_env(data_dir, KONTOR_BACKUP_KEEP="0"))

    assert switched_off["made"] == [None, None] and switched_off["job"] is None
    assert switched_off["kept"] == kept["kept"]


def test_the_worker_runs_the_nightly_backup_once_a_night() -> None:
    import datetime as dt

    from huey.contrib.djhuey import HUEY

    from kontor.operations.jobs import nightly_backup

    def due(at: dt.datetime) -> list[str]:
        return [task.name for task in HUEY.read_periodic(at)]

    assert nightly_backup.task_class.__name__ in due(dt.datetime(2026, 12, 4, 2, 7))
    assert nightly_backup.task_class.__name__ not in due(dt.datetime(2026, 12, 4, 2, 8))
    assert nightly_backup.task_class.__name__ not in due(dt.datetime(2026, 12, 4, 14, 7))


def test_a_bad_backup_keep_value_stops_the_start_with_its_name(tmp_path: Path) -> None:
    result = kontor(["check"], kontor_env(tmp_path / "data", KONTOR_BACKUP_KEEP="-1"), check=False)

    assert result.returncode != 0 and "KONTOR_BACKUP_KEEP" in result.stderr

