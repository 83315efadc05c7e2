"""Background jobs for mail: thin wrappers around kontor.mail.filing and kontor.mail.inbox."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kontor.mail import (
    filing,
    inbox,
    periodic,  # noqa: F401 - the IMAP poll (while IMAP_URL is set) registers with the worker
)


@db_task(retries=5, retry_delay=60)
def file_inbound_mail(inbound_id: int) -> None:
    """Files a stored message (and others waiting with it, see filing.file_waiting); enqueued on
    commit by kontor.mail.intake.receive. Idempotent (filing skips a message already handled),
    so Huey may retry it after a failure, such as a database busy for too long."""
    filing.file_waiting(inbound_id)


@db_periodic_task(crontab(hour="3", minute="53"), retries=2, retry_delay=300)
def purge_discarded_mail() -> int:
    """Nightly: discarded mail older than the undo period goes for good, with its raw message."""
    return inbox.purge_discarded()
