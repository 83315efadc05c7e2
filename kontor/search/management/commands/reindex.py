"""`kontor reindex`: rebuilds the search index from the database (all accounts, or one)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontor.accounts.models import Account
from kontor.search.index import reindex


class Command(BaseCommand):
    help = "Rebuilds the search index from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", type=int, help="Only this account (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        account = None
        if options["account"] is not None:
            account = Account.objects.filter(pk=options["account"]).first()
            if account is None:
                raise CommandError(f"There is no account with the id {options['account']}.")
        started = time.monotonic()
        written = reindex(account, progress=self._progress if options["verbosity"] > 1 else None)
        self.stdout.write(f"Indexed {written} documents in {time.monotonic() - started:.1f} s.")

    def _progress(self, name: str, count: int) -> None:
        self.stdout.write(f"  {name}: {count}")
