"""`kontor fetchmail`: polls the IMAP mailboxes in IMAP_URL once, as the worker does every minute."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontor.config import ConfigError
from kontor.mail import imap


class Command(BaseCommand):
    help = ("Fetches new mail once from the IMAP mailboxes in IMAP_URL (or --url) and files it; moves each "
            "message to KONTOR_IMAP_DONE_FOLDER, Kontor/Unknown or Kontor/Refused.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="", help="imaps://user:password@host:993/INBOX instead of IMAP_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        urls = options["url"] or settings.IMAP_URL
        if not urls:
            raise CommandError("No mailbox to poll: set IMAP_URL (imaps://user:password@host:993/INBOX) or --url.")
        try:
            mailboxes = imap.mailboxes(urls)
        except ConfigError as error:
            raise CommandError(str(error)) from None
        failed = False
        for mailbox in mailboxes:
            result = imap.poll(mailbox)
            if result.error:
                failed = True
                self.stderr.write(f"{result.mailbox}: could not poll: {result.error}")
                continue
            self.stdout.write(f"{result.mailbox}: {result.stored} stored, {result.unknown} for unknown addresses, "
                              f"{result.refused} refused, {result.failed} left for the next run")
        if failed:
            raise CommandError("Some mailboxes could not be polled; they are tried again on the next run.")
