"""Background jobs for records: thin wrappers around kontor.records.actions.

Huey's worker only imports modules named tasks.py by itself; RecordsConfig.ready imports every
app's jobs.py instead (Kontor's `tasks` is a domain app)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kontor.records import actions
from kontor.records.models import Kind, Record
from kontor.search import index as search_index

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


@db_task()
def reindex_records(record_ids: list[int]) -> None:
    """Rewrites the search documents of these records (after a custom field or choice they had
    values of was removed). Idempotent: it writes what the database holds now."""
    for start in range(0, len(record_ids), 1000):
        chunk = record_ids[start:start + 1000]
        for kind in Kind.values:
            ids = Record.objects.filter(pk__in=chunk, kind=kind).values_list("pk", flat=True)
            search_index.index_records(kind, list(ids))


@db_task()
def run_bulk_job(job_id: int) -> None:
    """Runs a bulk action too large for a request (kontor/records/bulk.py), in one transaction.
    Idempotent: a job that already ran or runs elsewhere is left alone."""
    from kontor.records import bulk

    bulk.run_job(job_id)
