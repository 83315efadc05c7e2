"""The data directory, the databases and the stored files are readable by Kontor's user only, even
when Kontor is started from a shell whose umask (022) makes new files world-readable."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings

from kontor import cli


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_data_directory_that_kontor_creates_is_private(sqlite_template: Path) -> None:
    # sqlite_template was made by `kontor migrate` started under a umask of 022.
    assert _mode(sqlite_template) == 0o700
    for name in ("kontor.sqlite3", "jobs.sqlite3", "secret_key"):
        assert _mode(sqlite_template / name) == 0o600, name
    assert _mode(sqlite_template / "static") == 0o700


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_stored_files_and_their_folders_are_private_whatever_the_umask(tmp_path: Path, usual_umask: None) -> None:
    storage = FileSystemStorage(location=tmp_path / "files")  # as configured: the settings' permissions

    name = storage.save("attachments/7/contract", ContentFile(b"a contract"))

    assert _mode(tmp_path / "files" / name) == 0o600
    assert _mode(tmp_path / "files" / "attachments" / "7") == 0o700
    assert _mode(tmp_path / "files" / "attachments") == 0o700


def test_starting_kontor_closes_a_data_directory_that_others_could_read(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)

    with override_settings(DATA_DIR=data_dir):
        cli._tighten_data_dir()

    assert _mode(data_dir) == 0o700
