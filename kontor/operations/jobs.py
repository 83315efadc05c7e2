"""Background jobs for operations: thin wrappers around kontor.operations.actions."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kontor.operations import actions

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="7"))
def nightly_backup() -> str | None:
    """Once a day (02:07 UTC): an archive of everything into <data>/backups, keeping the newest
    KONTOR_BACKUP_KEEP. Idempotent: a second run on the same day keeps the archive it finds."""
    try:
        path = actions.make_nightly_backup()
    except Exception:
        # Said in the worker's log with the reason (pg_dump missing, disk full), then raised again
        # so that Huey records the failure too.
        logger.exception("The nightly backup failed")
        raise
    if path is not None:
        logger.info("Nightly backup: %s", path)
    return str(path) if path else None
