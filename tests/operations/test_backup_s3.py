"""Backup and restore with the files in an S3 bucket (the local moto server of tests/s3.py): the
files are read and written through the storage, so they leave one bucket folder and arrive in
another exactly as they were."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from tests.operations.conftest import kontor, kontor_env, run_script
from tests.s3 import S3Server


def test_a_backup_carries_the_files_of_an_s3_bucket_into_another_install(
        s3_server: S3Server, new_data_dir: Callable[[str], Path], tmp_path: Path) -> None:
    origin_prefix, target_prefix = f"origin-{secrets.token_hex(4)}", f"target-{secrets.token_hex(4)}"
    origin_env = kontor_env(new_data_dir("origin"), **s3_server.env, S3_PREFIX=origin_prefix)
    target = new_data_dir("target")
    target_env = kontor_env(target, **s3_server.env, S3_PREFIX=target_prefix)
    seeded = run_script("seed()", origin_env)
    archive = tmp_path / "kontor.tar.gz"

    kontor(["backup", "--output", str(archive)], origin_env)
    restored = kontor(["restore", str(archive)], target_env)

    origin_keys = [key.removeprefix(origin_prefix) for key in s3_server.keys(origin_prefix + "/")]
    assert origin_keys and [key.removeprefix(target_prefix) for key in s3_server.keys(target_prefix + "/")] \
        == origin_keys
    assert f"stored files: {len(origin_keys)}" in restored.stdout
    after = run_script(f"describe({seeded['token']!r})", target_env)
    assert after["files"] == run_script("describe()", origin_env)["files"] and len(after["files"]) == 1
    assert after["signed"] == "still valid"
    assert not (target / "files").exists()  # nothing went to the data directory instead
