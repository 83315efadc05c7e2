from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from kontor.operations import actions
from kontor.operations.archive import ArchiveError
from kontor.operations.database import DatabaseError


class Command(BaseCommand):
    help = ("Writes one archive (.tar.gz) of everything Kontor stores: the database (a consistent "
            "snapshot, also while Kontor runs), every stored file, the job queue's pending jobs, the "
            "generated secret key and a manifest with checksums. Prints the archive's path alone.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None,
                            help="the archive to write (default: <data>/backups/kontor-DATE-TIME.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = actions.make_backup(options["output"])
        except (ArchiveError, DatabaseError, OSError) as error:
            raise CommandError(f"No backup was made: {error}") from None
        except OperationalError as error:
            raise CommandError(f"No backup was made: the database cannot be reached: {error}") from None
        self.stdout.write(str(path))
