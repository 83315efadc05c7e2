"""The archive format on its own: checksums, a manifest written last, and refusing anything that
does not match it before a single file is restored."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from kontor.operations.actions import add_stored_files
from kontor.operations.archive import ArchiveError, ArchiveWriter, extract_verified, member_names


def _write(path: Path) -> Path:
    writer = ArchiveWriter(path)
    writer.add_bytes("database/kontor.sqlite3", b"the database")
    writer.add_bytes("files/attachments/1/abc", b"a contract")
    writer.add_stream("files/photos/1/def", io.BytesIO(b"a photo, streamed"), len(b"a photo, streamed"))
    return writer.close({"kontor_version": "0.1.0"})


def test_an_archive_extracts_with_every_member_checked(tmp_path: Path) -> None:
    archive = _write(tmp_path / "backup.tar.gz")
    into = tmp_path / "out"
    into.mkdir()

    manifest = extract_verified(archive, into)

    assert (into / "files" / "attachments" / "1" / "abc").read_bytes() == b"a contract"
    assert list(member_names(manifest, "files")) == ["attachments/1/abc", "photos/1/def"]
    assert manifest["kontor_version"] == "0.1.0"
    assert archive.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".*partial"))


def _rewrite(archive: Path, target: Path, change: dict[str, bytes | None]) -> None:
    """Copies `archive` with members replaced (bytes) or left out (None), the manifest unchanged."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name in change:
                if change[member.name] is None:
                    continue
                data = change[member.name] or b""
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize(("change", "message"), [
    ({"files/attachments/1/abc": b"a forged contract"}, "checksum of files/attachments/1/abc does not match"),
    ({"files/photos/1/def": None}, "checksum of files/photos/1/def does not match"),
    ({"manifest.json": None}, "has no manifest"),
    ({"manifest.json": b"{not json"}, "manifest of"),
], ids=["a changed file", "a missing file", "no manifest", "an unreadable manifest"])
def test_an_archive_that_differs_from_its_manifest_is_refused(
        change: dict[str, bytes | None], message: str, tmp_path: Path) -> None:
    archive = _write(tmp_path / "backup.tar.gz")
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, change)

    with pytest.raises(ArchiveError, match=message):
        extract_verified(tampered, tmp_path)


def test_a_member_that_would_land_outside_the_folder_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as out:
        data = b"overwrites something"
        info = tarfile.TarInfo("../outside")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
    into = tmp_path / "into"
    into.mkdir()

    with pytest.raises(ArchiveError, match="unsafe member name"):
        extract_verified(evil, into)
    assert not (tmp_path / "outside").exists()


@pytest.mark.parametrize("content", [b"", b"plain text, no gzip", b"\x1f\x8b\x08\x00 cut"],
                         ids=["empty", "not gzip", "cut-off gzip"])
def test_a_file_that_is_no_archive_is_refused_with_a_message(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(content)

    with pytest.raises(ArchiveError, match="damaged or no Kontor backup"):
        extract_verified(path, tmp_path)


def test_an_archive_of_a_newer_format_asks_for_an_update(tmp_path: Path) -> None:
    archive = _write(tmp_path / "backup.tar.gz")
    with tarfile.open(archive) as source:
        manifest = json.loads(source.extractfile("manifest.json").read())  # type: ignore[union-attr]
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, {"manifest.json": json.dumps({**manifest, "format": 99}).encode()})

    with pytest.raises(ArchiveError, match="newer Kontor"):
        extract_verified(newer, tmp_path)


def test_an_archive_from_a_newer_kontor_is_refused_before_anything_changes(tmp_path: Path) -> None:
    from django.test import override_settings

    from kontor.operations.actions import RestoreRefused, restore_backup

    writer = ArchiveWriter(tmp_path / "newer.tar.gz")
    writer.add_bytes("database/kontor.sqlite3", b"not reached")
    archive = writer.close({
        "kontor_version": "9.0", "database": {"vendor": "sqlite", "member": "database/kontor.sqlite3"},
        "migrations": [["accounts", "0001_initial"], ["accounts", "0999_from_the_future"]]})

    with override_settings(DATA_DIR=tmp_path), pytest.raises(RestoreRefused, match="newer Kontor") as refused:
        restore_backup(archive)
    assert "accounts.0999_from_the_future" in str(refused.value)


class _ListsAVanishedFile(FileSystemStorage):
    """A data directory in which one listed file is deleted before the backup reads it."""

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        directories, files = super().listdir(path)
        return directories, [*files, "purged-meanwhile"] if path == "" else files


def test_a_file_deleted_while_the_backup_runs_is_named_and_the_rest_kept(tmp_path: Path) -> None:
    storage = _ListsAVanishedFile(location=tmp_path / "files")
    storage.save("attachments/1/kept", ContentFile(b"still here"))
    writer = ArchiveWriter(tmp_path / "backup.tar.gz")

    files, vanished = add_stored_files(writer, storage)
    manifest = extract_verified(writer.close({}), tmp_path / "out")

    assert (files, vanished) == (1, ["purged-meanwhile"])
    assert list(member_names(manifest, "files")) == ["attachments/1/kept"]
