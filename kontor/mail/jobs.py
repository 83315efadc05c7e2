"""Background jobs for mail: thin wrappers around kontor.mail.filing."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from kontor.mail import (
    filing,
    periodic,  # noqa: F401 - the IMAP poll (while IMAP_URL is set) registers with the worker
)
from kontor.mail.models import InboundMail


@db_task(retries=5, retry_delay=60)
def file_inbound_mail(inbound_id: int) -> None:
    """Files one stored message; enqueued on commit by kontor.mail.intake.receive. Idempotent
    (filing skips a message already handled), so Huey may retry it after a failure, such as a
    database busy for too long."""
    inbound = InboundMail.objects.filter(pk=inbound_id).first()
    if inbound is not None:
        filing.file_inbound(inbound)
