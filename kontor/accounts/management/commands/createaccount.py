from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from kontor.accounts import actions
from kontor.accounts.management.commands._operator import check_login, command_error
from kontor.accounts.models import User
from kontor.lib.names import name_from_email


class Command(BaseCommand):
    help = ("Creates an account (one team's CRM) and its owner, and prints the new account's id alone "
            "on stdout. If a login with the e-mail address exists, that user becomes the owner and keeps "
            "their password.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the company name")
        parser.add_argument("--email", required=True, help="the owner's e-mail address (the login)")
        parser.add_argument("--password", required=True, help="the owner's password")
        parser.add_argument("--owner-name", default="", help="the owner's name (default: from the e-mail)")
        parser.add_argument("--language", default="de", choices=["de", "en"], help="the owner's language")
        parser.add_argument("--time-zone", default="Europe/Berlin", help="the owner's time zone")

    def handle(self, *args: Any, **options: Any) -> None:
        email = check_login(options["email"], options["password"])
        existing = User.objects.filter(email__iexact=email).exists()
        try:
            membership = actions.create_account(
                options["name"], email, options["password"],
                owner_name=options["owner_name"].strip() or name_from_email(email),
                language=options["language"], time_zone=options["time_zone"])
        except ValidationError as error:
            raise command_error(error) from None
        if existing:
            self.stderr.write(f"{email} already has a login; it is now also the owner of this account and "
                              "keeps its password.")
        self.stdout.write(str(membership.account_id))
