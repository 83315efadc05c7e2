"""The worker's IMAP poll: every minute while IMAP_URL names mailboxes (registered only then, so a
Kontor without IMAP enqueues nothing). Imported by kontor/mail/jobs.py, the module the worker loads.

A run stops taking new messages after RUN_SECONDS, so two runs never overlap even with a full
mailbox (the next one, a minute later, takes the rest); without overlaps no lock is needed, and no
lock can be left behind by a worker that was killed mid-run."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kontor.mail import imap

log = logging.getLogger("kontor.mail.imap")

RUN_SECONDS = 45


def poll_mailboxes() -> int:
    """Polls every configured mailbox once; returns how many messages were stored."""
    results = imap.poll_configured(seconds=RUN_SECONDS)
    for result in results:
        if result.stored or result.unknown or result.refused or result.failed:
            log.info("%s: %d stored, %d unknown, %d refused, %d left", result.mailbox, result.stored,
                     result.unknown, result.refused, result.failed)
    return sum(result.stored for result in results)


if settings.IMAP_URL:
    @db_periodic_task(crontab(minute="*"))
    def poll_imap_mailboxes() -> int:
        return poll_mailboxes()
