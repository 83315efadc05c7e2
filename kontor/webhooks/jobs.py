"""Background jobs for webhooks: thin wrappers around kontor.webhooks.delivery. Both are
idempotent: a delivery is claimed before it is sent, so a job run twice sends it once."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kontor.webhooks import delivery


@db_task()
def deliver_webhooks(delivery_ids: list[int]) -> int:
    """The first attempt of new deliveries; enqueued on commit by emit() and by sending again."""
    return sum(1 for pk in delivery_ids if delivery.deliver(pk) is not None)


@db_periodic_task(crontab(minute="*"))
def deliver_due_webhooks() -> int:
    """Every minute: the retries whose time has come (and any first attempt whose job was lost)."""
    return delivery.deliver_due()
