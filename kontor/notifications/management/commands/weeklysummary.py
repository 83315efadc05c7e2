from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kontor.accounts.models import Membership
from kontor.notifications import summary


class Command(BaseCommand):
    help = ("Sends the weekly summaries that are due (Monday 07:00 in each user's time zone, once a week), "
            "as the worker does every quarter of an hour. --user limits it to one user; --now sends at once, "
            "whatever the day, even if this week's summary went out already.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", metavar="EMAIL", help="only this user's summaries")
        parser.add_argument("--now", action="store_true", help="send now instead of waiting for Monday 07:00")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["user"]:
            email = options["user"].strip()
            memberships = list(Membership.objects.active().filter(user__email__iexact=email)
                               .select_related("user", "account").order_by("pk"))
            if not memberships:
                raise CommandError(f"There is no active user with the e-mail address {email!r}.")
        else:
            memberships = list(Membership.objects.active().select_related("user", "account").order_by("pk"))
        if not options["now"]:
            due = {m.pk for m in summary.due_memberships(now)}
            memberships = [m for m in memberships if m.pk in due]
        sent = sum(summary.send_summary(m, now, force=options["now"]) for m in memberships)
        self.stdout.write(f"Sent {sent} weekly summaries.")
