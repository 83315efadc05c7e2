"""Background jobs for files: thin wrappers around kontor.files.actions."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kontor.files import actions

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="29"))
def purge_deleted_files() -> int:
    """Once a day (03:29 UTC): removes the bytes of files deleted longer than the trash's retention
    period ago. Idempotent: a second run finds nothing left to do."""
    count = actions.purge_deleted_files()
    logger.info("Removed %d files deleted longer than the retention period ago", count)
    return count
