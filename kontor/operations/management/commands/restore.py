from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from kontor.operations import actions
from kontor.operations.archive import ArchiveError
from kontor.operations.database import DatabaseError


class Command(BaseCommand):
    help = ("Restores an archive made by `kontor backup` into the database, storage and data directory "
            "the settings name, migrates it forward when it is older, and prints what it holds. Refused "
            "when the database already holds an account, unless --force. Stop Kontor's web server and "
            "workers first.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the .tar.gz written by `kontor backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace the database's content even when it already holds an account")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = actions.restore_backup(options["archive"], force=options["force"])
        except (ArchiveError, actions.RestoreRefused) as error:
            raise CommandError(f"Nothing was restored: {error}") from None
        except (DatabaseError, OSError) as error:
            raise CommandError(f"The restore failed: {error}") from None
        except OperationalError as error:
            raise CommandError(f"The restore failed: the database cannot be reached: {error}") from None
        manifest = report.manifest
        self.stdout.write(f"Restored {options['archive']} (Kontor {manifest.get('kontor_version')}, "
                          f"made {manifest.get('created_at')}, {manifest['database']['vendor']}).")
        for table, count in sorted(report.row_counts.items()):
            if count:
                self.stdout.write(f"  {table}: {count}")
        self.stdout.write(f"rows: {sum(report.row_counts.values())} in {len(report.row_counts)} tables; "
                          f"stored files: {report.files}; pending jobs: {report.jobs['pending']}; "
                          f"scheduled jobs: {report.jobs['scheduled']}")
        for note in report.notes:
            self.stderr.write(note)
