"""`kontor demo [--account ID]`: fills an account with sample data so a visitor sees a lived-in CRM.

Without --account it creates the account "Demo GmbH" with the owner demo@example.com and prints
the password. Running it again on an account that already has the demo data adds nothing and
says so (exit status 0), so scripts may call it on every start.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Account, Membership, User
from kontor.accounts.roles import Role
from kontor.contacts import demo_data

DEMO_ACCOUNT = "Demo GmbH"
DEMO_OWNER = "demo@example.com"


class Command(BaseCommand):
    help = "Fills an account with realistic sample people, companies, notes and tags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", type=int, help="the account to fill (default: create Demo GmbH)")
        parser.add_argument("--password", help="password for new demo users (default: a random one)")
        parser.add_argument("--people", type=int, default=60, help="how many people (default 60)")
        parser.add_argument("--companies", type=int, default=15,
                            help=f"how many companies (default 15, at most {len(demo_data.COMPANIES)})")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 0 or options["companies"] < 0:
            raise CommandError("--people and --companies cannot be negative.")
        password = options["password"] or secrets.token_urlsafe(9)
        owner, new_owner = self._owner(options["account"], password)
        if demo_data.has_demo_data(owner):
            self.stdout.write(f"{owner.account.name} (account {owner.account.pk}) already has the demo data; "
                              "nothing was added.")
            return
        # What the actions write themselves (e.g. "Done: …" for a finished task) is in the owner's language.
        with translation.override(owner.user.language):
            result = demo_data.fill_account(owner, password, people=options["people"],
                                            companies=options["companies"], seed=options["seed"])
        counts = ", ".join(_count(number, word) for number, word in [
            (result.people, "person"), (result.companies, "company"), (result.notes, "note"),
            (result.tasks, "task"), (result.deals, "deal"), (result.projects, "project")])
        self.stdout.write(f"{result.account_name} (account {owner.account.pk}): {counts}.")
        self.stdout.write(f"Log in at {settings.BASE_URL}/ as")
        if new_owner:
            result.new_users.add(owner.user.email)
        for membership in [owner, *result.colleagues]:
            email = membership.user.email
            shown = password if email in result.new_users else "(their existing password)"
            self.stdout.write(f"  {email:40} {membership.role:7} password: {shown}")

    def _owner(self, account_id: int | None, password: str) -> tuple[Membership, bool]:
        """The owner membership that writes the data, and whether its user was created just now."""
        if account_id is not None:
            account = Account.objects.filter(pk=account_id).first()
            if account is None:
                raise CommandError(f"There is no account with the id {account_id}.")
            owner = Membership.objects.filter(account=account, role=Role.OWNER).select_related("user").first()
            if owner is None:
                raise CommandError(f"Account {account_id} has no owner.")
            return owner, False
        existing = (Membership.objects.filter(account__name=DEMO_ACCOUNT, user__email__iexact=DEMO_OWNER,
                                              role=Role.OWNER).select_related("account", "user").first())
        if existing:
            return existing, False
        new_user = not User.objects.filter(email__iexact=DEMO_OWNER).exists()
        owner = account_actions.create_account(DEMO_ACCOUNT, DEMO_OWNER, password, owner_name="Dana Demo")
        return owner, new_user


def _count(number: int, word: str) -> str:
    plural = {"person": "people", "company": "companies"}.get(word, word + "s")
    return f"{number} {word if number == 1 else plural}"
