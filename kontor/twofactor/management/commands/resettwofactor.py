from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontor.accounts.models import User
from kontor.twofactor import actions


class Command(BaseCommand):
    help = ("Switches off a user's two-factor login (app, recovery codes, remembered devices), for when "
            "nobody in the team can reset it: the user then logs in with the password alone.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's e-mail address")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"There is no user with the e-mail address {email!r}.")
        if not actions.reset_by_operator(user):
            raise CommandError(f"{user.email} does not use two-factor login; nothing was changed.")
        self.stdout.write(f"Two-factor login of {user.email} is switched off; they log in with the password alone.")
