"""The backup archive: one .tar.gz with a manifest that names the sha256 of every other member.

Layout:

    database/kontor.sqlite3    SQLite (the online backup API's copy)  or
    database/kontor.pgdump     PostgreSQL (pg_dump --format=custom)
    files/<name>               every stored file, under its storage name
    jobs.json                  the job queue's pending and scheduled jobs
    secret_key                 the generated key, when it lives in the data directory
    manifest.json              written last: version, migrations, row counts, checksums

Members are streamed into the archive as they are made (the manifest comes last, once every
checksum is known), so a backup needs no second copy of the files on disk. Reading extracts every
member into a private folder and checks it against the manifest before anything is restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be used: damaged, incomplete, or not a Kontor backup. Nothing was changed."""


class _HashingReader(io.RawIOBase):
    """Reads through a file object and keeps the sha256 and size of what passed."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


class ArchiveWriter:
    """Writes members into a .tar.gz one by one; `close(manifest)` adds the manifest with every
    member's checksum. The archive is written under a temporary name and renamed at the end, so a
    file with the final name is always complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        # Kept open across add_* calls and closed by close() or abort().
        self._tar = tarfile.open(fileobj=self._file, mode="w:gz", format=tarfile.PAX_FORMAT)  # noqa: SIM115
        self.checksums: dict[str, str] = {}

    def add_stream(self, name: str, source: IO[bytes], size: int) -> None:
        """Adds `size` bytes read from `source` as member `name` (a storage file of known size)."""
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(time.time())
        reader = _HashingReader(source)
        # tarfile reads exactly `size` bytes and raises on a shorter stream.
        self._tar.addfile(info, reader)
        self.checksums[name] = reader.sha256.hexdigest()

    def add_file(self, name: str, path: Path) -> None:
        with path.open("rb") as source:
            self.add_stream(name, source, path.stat().st_size)

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data), len(data))

    def close(self, manifest: dict[str, Any]) -> Path:
        manifest = {**manifest, "format": FORMAT, "members": dict(self.checksums)}
        data = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.partial.replace(self.path)
        return self.path

    def abort(self) -> None:
        self._tar.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise ArchiveError(f"The archive holds an unsafe member name: {name}")
    return path


def extract_verified(archive: Path, into: Path) -> dict[str, Any]:
    """Extracts every member of `archive` into the folder `into` and returns the manifest once
    every member matches its checksum, no member is missing and none is extra.

    Raises ArchiveError with a message for the operator for anything else: a file that is no
    gzip/tar, a cut-off or damaged archive, a checksum that differs, a manifest from a newer format.
    """
    checksums: dict[str, str] = {}
    manifest_data = b""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                path = _safe_member_path(member.name)
                if not member.isfile():
                    raise ArchiveError(f"The archive holds something that is not a file: {member.name}")
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has a stream
                if member.name == MANIFEST:
                    manifest_data = source.read()
                    continue
                target = into / path
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                checksums[member.name] = digest.hexdigest()
    except FileNotFoundError:
        raise ArchiveError(f"There is no file {archive}.") from None
    except (tarfile.TarError, zlib.error, EOFError, OSError) as error:
        raise ArchiveError(f"{archive} is damaged or no Kontor backup ({error}).") from None
    if not manifest_data:
        raise ArchiveError(f"{archive} has no manifest: it is incomplete or no Kontor backup.")
    try:
        manifest = json.loads(manifest_data)
        expected = dict(manifest["members"])
        version = int(manifest["format"])
    except (ValueError, KeyError, TypeError):
        raise ArchiveError(f"The manifest of {archive} cannot be read.") from None
    if version > FORMAT:
        raise ArchiveError(f"{archive} was made by a newer Kontor; update Kontor before restoring it.")
    differing = sorted(name for name in expected.keys() | checksums.keys()
                       if expected.get(name) != checksums.get(name))
    if differing:
        raise ArchiveError(f"{archive} is damaged: the checksum of {', '.join(differing[:5])} does not match "
                           "the manifest.")
    return manifest


def member_names(manifest: dict[str, Any], folder: str) -> Iterator[str]:
    """The members under `folder/`, e.g. the stored files, without the folder in front."""
    prefix = folder + "/"
    for name in sorted(manifest["members"]):
        if name.startswith(prefix):
            yield name[len(prefix):]
