"""Background jobs for records: thin wrappers around kontor.records.actions.

Huey's worker only imports modules named tasks.py by itself; RecordsConfig.ready imports every
app's jobs.py instead (Kontor's `tasks` is a domain app)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kontor.records import actions

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_expired_trash() -> int:
    """Once a day (03:17 UTC): deletes for good what has been in the trash longer than the
    retention period. Idempotent, so a second run on the same day finds nothing to do."""
    count = actions.purge_expired_trash()
    logger.info("Purged %d records that were in the trash longer than the retention period", count)
    return count


@db_periodic_task(crontab(hour="3", minute="47"))
def recount_tags() -> None:
    """Once a day (03:47 UTC): sets the tag counters of the lists from the taggings themselves,
    so that a counter a bulk change went around can never stay wrong for long."""
    actions.recount_tags()
    logger.info("Recounted the tags of every account")
