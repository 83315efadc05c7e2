"""Which of an account's records are in the trash, for the lists that leave them out."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from kontor.accounts.models import Account
from kontor.records.models import Record


def trashed_records(account: Account | int) -> QuerySet[Record, Any]:
    """The ids of the account's records in the trash (the account or its id), as a subquery."""
    return Record.objects.filter(account=account, deleted_at__isnull=False).values("pk")


def not_in_trash(account: Account | int, column: str = "record_id") -> Q:
    """The rows whose record (`column`, which may be empty) is none of the account's records in
    the trash. On SQLite `NOT IN` the trash's ids, which it reads once into a temporary index. On
    PostgreSQL `NOT EXISTS` such a record by its primary key: `NOT IN` is quick there only while
    the trash's ids fit its hash memory (work_mem, about 250,000 ids by default); beyond that it
    reads the whole list again for every row (7 s for 7,000 tasks beside 300,000 trashed records)."""
    if connection.vendor == "postgresql":
        in_trash = Record.objects.filter(pk=OuterRef(column), account=account, deleted_at__isnull=False)
        return ~Q(Exists(in_trash))
    return ~Q(**{f"{column}__in": trashed_records(account)})
