"""Which of an account's records are in the trash, for the lists that leave them out."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kontor.accounts.models import Account
from kontor.records.models import Record


def trashed_records(account: Account | int) -> QuerySet[Record, Any]:
    """The ids of the account's records in the trash (the account or its id), as a subquery."""
    return Record.objects.filter(account=account, deleted_at__isnull=False).values("pk")
