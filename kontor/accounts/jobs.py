"""Background jobs for accounts: thin wrappers around the counters and sessions."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kontor.accounts import counters


@db_periodic_task(crontab(minute="*/15"))
def purge_expired_counters() -> int:
    """Every quarter hour: drops login, reset-mail and API counters whose window has ended, so the
    table stays as small as the number of keys active right now. Idempotent."""
    return counters.purge_expired()
