"""`kontor ingestmail --to ADDRESS < message.eml`: takes one message from a mail server's pipe
transport (Postfix: `argv=/path/to/kontor ingestmail --to ${recipient}`).

The exit status tells the mail server what to do, in the sysexits.h codes it understands:

    0   stored (the filing follows in the worker)
    67  EX_NOUSER: no recipient is a Kontor address; bounced at once
    65  EX_DATAERR: the message is too large (or empty); bounced at once
    75  EX_TEMPFAIL: the database or the file store failed; the mail server keeps it and retries
"""

from __future__ import annotations

import logging
import sys
from typing import Any, BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kontor.mail import intake

log = logging.getLogger("kontor.mail.pipe")

EX_OK = 0
EX_DATAERR = 65
EX_NOUSER = 67
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = ("Stores one message read from standard input for the given addresses (a mail server's pipe "
            "transport). Exit status: 0 stored, 67 unknown address, 65 too large or empty, 75 try again later.")
    stealth_options = ("stdin",)
    # A warning of Django's checks must never bounce a message; the pipe answers for the mail only.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", action="append", required=True, metavar="ADDRESS",
                            help="a recipient of the message (repeat for several; Postfix: ${recipient})")

    def handle(self, *args: Any, **options: Any) -> None:
        stream: BinaryIO = options.get("stdin") or sys.stdin.buffer
        code, message = self.ingest(stream, options["to"])
        if code != EX_OK:
            self.stderr.write(message)
            raise SystemExit(code)
        self.stdout.write(message)

    def ingest(self, stream: BinaryIO, recipients: list[str]) -> tuple[int, str]:
        limit = settings.MAIL_MAX_BYTES
        # One byte beyond the limit is enough to know; a huge message is never read whole.
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            return EX_DATAERR, f"5.3.4 Message too large: at most {limit} bytes"
        if not raw.strip():
            return EX_DATAERR, "5.6.0 Empty message"
        try:
            stored = intake.receive(raw, recipients, "pipe")
        except intake.Refused as refused:
            code = {550: EX_NOUSER, 552: EX_DATAERR}.get(refused.code, EX_TEMPFAIL)
            return code, f"{refused.code} {refused.reason}"
        except Exception:
            # Whatever it was (the database is down, the disk is full), the mail server retries.
            log.exception("Could not store a piped message for %s", recipients)
            return EX_TEMPFAIL, "4.3.0 Temporary failure while storing the message, please try again later"
        return EX_OK, f"Stored as {', '.join(str(inbound.pk) for inbound in stored)}"
