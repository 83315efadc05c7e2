from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from kontor.accounts import actions
from kontor.accounts.management.commands._operator import check_login, command_error, find_account
from kontor.accounts.models import User
from kontor.accounts.roles import Role
from kontor.lib.names import name_from_email


class Command(BaseCommand):
    help = ("Adds a colleague with a role to an account and prints their user id alone on stdout. If a "
            "login with the e-mail address exists, it joins the account and keeps its password.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="the account's id (as printed by createaccount)")
        parser.add_argument("--email", required=True, help="the colleague's e-mail address (the login)")
        parser.add_argument("--password", required=True, help="the colleague's password")
        parser.add_argument("--role", required=True, choices=Role.values,
                            help="owner, admin, power or member")
        parser.add_argument("--name", default="",
                            help="the colleague's name (default: from the address, ben.mueller@… → Ben Mueller)")
        parser.add_argument("--language", default="de", choices=["de", "en"], help="the colleague's language")
        parser.add_argument("--time-zone", default="Europe/Berlin", help="the colleague's time zone")

    def handle(self, *args: Any, **options: Any) -> None:
        account = find_account(options["account"])
        email = check_login(options["email"], options["password"])
        existing = User.objects.filter(email__iexact=email).exists()
        try:
            membership = actions.add_user(
                account, email, options["password"], options["name"].strip() or name_from_email(email),
                options["role"],
                language=options["language"], time_zone=options["time_zone"])
        except ValidationError as error:
            raise command_error(error) from None
        if existing:
            self.stderr.write(f"{email} already has a login; it joins {account.name} and keeps its password.")
        self.stdout.write(str(membership.user_id))
