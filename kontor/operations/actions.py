"""Backing up and restoring a whole Kontor install: database, stored files, the job queue and
the generated secret key, in one archive (see archive.py for its layout)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.utils import timezone

from kontor.config import env_str
from kontor.operations import database, jobqueue
from kontor.operations.archive import ArchiveError, ArchiveWriter, extract_verified, member_names
from kontor.operations.stored_files import default_storage, list_stored_files, put_stored_file

logger = logging.getLogger(__name__)

NIGHTLY_PREFIX = "nightly-"
SECRET_KEY_MEMBER = "secret_key"
JOBS_MEMBER = "jobs.json"


class RestoreRefused(Exception):
    """The restore was not started; the message says why. Nothing was changed."""


def kontor_version() -> str:
    try:
        return importlib.metadata.version("kontor")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def backups_folder() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _private_folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _secret_key_file() -> Path | None:
    """The generated key in the data directory; None when SECRET_KEY comes from the environment
    (the operator keeps that one, and it is no part of the backup)."""
    key_file = Path(settings.DATA_DIR) / "secret_key"
    if env_str("SECRET_KEY") or not key_file.exists():
        return None
    return key_file


def make_backup(output: Path | None = None) -> Path:
    """Writes one archive and returns its path.

    1. the database first, as one consistent snapshot (with its row counts and migrations);
    2. then every stored file: a file is stored before the row that names it is committed, so
       every file the snapshot refers to exists already (later uploads are harmless extras);
    3. the job queue's pending and scheduled jobs, the generated secret key;
    4. the manifest, with the checksum of every member.
    """
    now = timezone.now()
    name = f"kontor-{now:%Y%m%d-%H%M%S}.tar.gz"
    if output is None:
        output = _private_folder(backups_folder()) / name
    elif output.is_dir():
        output = output / name
    output = output.resolve()
    if not output.parent.is_dir():
        raise OSError(f"The folder {output.parent} does not exist.")
    writer = ArchiveWriter(output)
    try:
        with tempfile.TemporaryDirectory(dir=_private_folder(Path(settings.DATA_DIR) / "tmp")) as folder:
            snapshot = database.take_snapshot(Path(folder))
            writer.add_file(snapshot.member, snapshot.path)
        files, vanished = add_stored_files(writer, default_storage())
        jobs = jobqueue.dump_jobs()
        writer.add_bytes(JOBS_MEMBER, jobs)
        key_file = _secret_key_file()
        if key_file is not None:
            writer.add_file(SECRET_KEY_MEMBER, key_file)
        return writer.close({
            "kontor_version": kontor_version(),
            "created_at": now.isoformat(),
            "database": {"vendor": snapshot.vendor, "member": snapshot.member},
            "migrations": snapshot.migrations,
            "row_counts": snapshot.row_counts,
            "files": files,
            "files_vanished": vanished,
            "jobs": jobqueue.count_jobs(jobs),
            "secret_key": key_file is not None,
        })
    except BaseException:
        writer.abort()
        raise


def add_stored_files(writer: ArchiveWriter, storage: Storage) -> tuple[int, list[str]]:
    """Adds every file of `storage` under files/; returns how many, and the names of those that
    were deleted between the listing and the reading (the trash purge, a removed upload): a
    backup of everything else is worth more than none, and the manifest names them."""
    files, vanished = 0, []
    for name in list_stored_files(storage):
        try:
            size, content = storage.size(name), storage.open(name, "rb")
        except FileNotFoundError:
            vanished.append(name)
            continue
        with content:
            writer.add_stream(f"files/{name}", content, size)
        files += 1
    if vanished:
        logger.warning("%d stored files disappeared during the backup: %s", len(vanished), vanished[:5])
    return files, vanished


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    row_counts: dict[str, int]
    files: int
    jobs: dict[str, int]
    notes: list[str] = field(default_factory=list)


def restore_backup(archive: Path, *, force: bool = False) -> RestoreReport:
    """Puts an archive back into the configured database, storage, queue and data directory.

    Refused (RestoreRefused or ArchiveError, nothing changed) when the archive is damaged, was
    made by a newer Kontor, or the target already holds an account and `force` is not given.
    An older archive is migrated forward. The order (database, files, jobs, key) puts the data
    first; the key comes last so that a failed restore leaves the install's own key in place.
    """
    with tempfile.TemporaryDirectory(dir=_private_folder(Path(settings.DATA_DIR) / "tmp")) as folder:
        extracted = Path(folder)
        manifest = extract_verified(archive, extracted)
        try:
            vendor, member = manifest["database"]["vendor"], manifest["database"]["member"]
        except (KeyError, TypeError):
            raise ArchiveError(f"The manifest of {archive} names no database.") from None
        newer = database.unknown_migrations(manifest.get("migrations", []))
        if newer:
            raise RestoreRefused(
                f"{archive} was made by a newer Kontor ({manifest.get('kontor_version')}), with migrations "
                f"this one does not know ({', '.join(newer[:3])}); update Kontor first, then restore.")
        if not force and database.holds_an_account():
            raise RestoreRefused(
                "The database already holds an account. Restoring replaces everything in it; run "
                "`kontor restore --force` to do that, or point KONTOR_DATA_DIR / DATABASE_URL elsewhere.")
        database.restore(vendor, extracted / member)
        storage = default_storage()
        files = 0
        for name in member_names(manifest, "files"):
            put_stored_file(storage, name, extracted / "files" / name)
            files += 1
        jobs = {"pending": 0, "scheduled": 0}
        if (extracted / JOBS_MEMBER).exists():
            jobs = jobqueue.load_jobs((extracted / JOBS_MEMBER).read_bytes())
        notes = _restore_secret_key(extracted / SECRET_KEY_MEMBER)
    return RestoreReport(manifest, database.row_counts(), files, jobs, notes)


def _restore_secret_key(source: Path) -> list[str]:
    if not source.exists():
        if env_str("SECRET_KEY"):
            return []
        return ["The archive holds no secret key (SECRET_KEY was set where it was made): set the same "
                "SECRET_KEY here, or sessions and links in mails sent before end."]
    target = Path(settings.DATA_DIR) / "secret_key"
    partial = target.with_name(".secret_key.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(source.read_bytes())
    partial.replace(target)
    if env_str("SECRET_KEY"):
        return [f"The archive's secret key is in {target}, but SECRET_KEY in the environment wins: "
                "unset it to use the restored key."]
    return []


def nightly_backup_names() -> list[Path]:
    """The nightly archives in the backups folder, oldest first (their names sort by date)."""
    folder = backups_folder()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{NIGHTLY_PREFIX}*.tar.gz"))


def make_nightly_backup(today: dt.date | None = None) -> Path | None:
    """The worker's nightly backup into <data>/backups, keeping the newest KONTOR_BACKUP_KEEP
    (0: none is made). Idempotent: a second run on the same day keeps the archive it finds.
    Only nightly-*.tar.gz files are rotated; archives made with `kontor backup` stay."""
    keep = settings.BACKUP_KEEP
    if keep <= 0:
        return None
    today = today or timezone.now().date()
    path = _private_folder(backups_folder()) / f"{NIGHTLY_PREFIX}{today:%Y-%m-%d}.tar.gz"
    if not path.exists():
        make_backup(path)
    for old in nightly_backup_names()[:-keep]:
        old.unlink(missing_ok=True)
    return path
