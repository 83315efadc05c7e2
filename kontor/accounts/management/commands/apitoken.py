from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontor.accounts import actions
from kontor.accounts.management.commands._operator import command_error
from kontor.accounts.models import Membership


class Command(BaseCommand):
    help = ("Creates a new API key for a user and prints the key alone on one line. The key acts as that "
            "user, with their role; it is shown only now and can be revoked on the API keys page.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument("--account", help="the account's id; needed when the user belongs to several")
        parser.add_argument("--name", default="kontor apitoken", help="a name for the key")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        memberships = list(Membership.objects.active().filter(user__email__iexact=email)
                           .select_related("account", "user").order_by("account_id"))
        if not memberships:
            raise CommandError(f"There is no active user with the e-mail address {email!r}.")
        if options["account"] is not None:
            memberships = [m for m in memberships if str(m.account_id) == str(options["account"]).strip()]
            if not memberships:
                raise CommandError(
                    f"--account: {email} is not an active member of account {options['account']!r}.")
        if len(memberships) > 1:
            choices = ", ".join(f"{m.account_id} ({m.account.name})" for m in memberships)
            raise CommandError(f"{email} belongs to several accounts; choose one with --account: {choices}")
        try:
            _key, secret = actions.create_api_key(memberships[0], options["name"])
        except ValidationError as error:
            raise command_error(error) from None
        self.stdout.write(secret)
