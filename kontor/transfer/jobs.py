"""Background jobs for imports: thin wrappers around transfer.actions."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kontor.transfer import actions

logger = logging.getLogger(__name__)


@db_task()
def run_import(import_id: int) -> None:
    """Runs a started import. Enqueued on commit by actions.start_import; running it twice does
    nothing the second time (only a pending import is claimed), so it has no retries: a failure
    ends the import as failed with a message, and the user starts it again."""
    actions.run_import(import_id)


@db_periodic_task(crontab(hour="4", minute="7"))
def forget_old_uploads() -> int:
    """Once a day (04:07 UTC): abandoned drafts and the files of long-finished imports go."""
    removed = actions.forget_old_uploads()
    logger.info("Removed %d stored import files", removed)
    return removed
