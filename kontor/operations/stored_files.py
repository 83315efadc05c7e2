"""Every file Kontor stores, read and written through Django's storage API, so that the data
directory and an S3 bucket are backed up and restored the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, storages


def default_storage() -> Storage:
    return storages["default"]


def list_stored_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """The names of all files in `storage`, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # the data directory's files/ before the first upload
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from list_stored_files(storage, f"{folder}/{directory}" if folder else directory)


def put_stored_file(storage: Storage, name: str, source: Path) -> None:
    """Stores `source` under exactly `name`, replacing a file of that name (storages would
    otherwise pick a new name, and the database would point at the old one)."""
    if storage.exists(name):
        storage.delete(name)
    with source.open("rb") as content:
        stored = storage.save(name, File(content, name=name))
    if stored != name:
        raise OSError(f"the storage kept {name} as {stored}")
