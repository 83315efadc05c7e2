"""Background jobs for web forms: thin wrappers around kontor.webforms.actions."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kontor.webforms import actions

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))
def forget_client_addresses() -> int:
    """Every ten minutes: clears the hashed client addresses once the rate-limit window is over,
    and removes the spam rows. Idempotent: a second run finds nothing left to clear."""
    count = actions.forget_client_addresses()
    logger.info("Cleared or removed %d web-form submissions past the rate-limit window", count)
    return count
