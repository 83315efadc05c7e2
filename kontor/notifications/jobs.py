"""Background jobs for notifications: thin wrappers around mails.py and summary.py. Each is
idempotent (see the claims there), so Huey may retry it after a failed send."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kontor.notifications import mails, summary

logger = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=60)
def send_notification_mails(notification_ids: list[int]) -> int:
    """Mails notifications that go out at once. Enqueued on commit by the actions."""
    return mails.send_notifications(notification_ids)


@db_periodic_task(crontab(minute="0"), retries=2, retry_delay=120)
def send_assignment_batches() -> int:
    """Every hour on the hour: one mail per person for the tasks assigned to them that are due later."""
    return mails.send_assignment_batches()


@db_periodic_task(crontab(minute="*/15"), retries=2, retry_delay=120)
def send_weekly_summaries() -> int:
    """Every quarter of an hour: the weekly summaries of those who have reached Monday 07:00."""
    return summary.send_due_summaries()
