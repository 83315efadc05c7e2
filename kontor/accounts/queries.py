"""Reads about the team of an account."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import QuerySet

from kontor.accounts.models import Account, ApiKey, Invitation, Membership, User
from kontor.lib.prepared import prepared
from kontor.records.models import Record


@prepared
def _active_colleagues(account_id: int) -> QuerySet[Membership]:
    return Membership.objects.active().filter(account_id=account_id).select_related("user").order_by("user__name", "pk")


def active_colleagues(account: Account) -> list[Membership]:
    """The account's active members with their users, by name: who can be responsible for a record,
    be assigned a task or be picked in a filter."""
    return _active_colleagues(account.pk)


class Colleague(NamedTuple):
    """A colleague as a list's "responsible" choice and bulk bar show one."""

    user_id: int
    user: str  # the name, or the e-mail address of a colleague without one (as User.__str__)

    @classmethod
    def of(cls, membership: Membership) -> Colleague:
        """A member with their user as a row: what a page shows of them, and what a part of a page
        kept once per process ({% kept %}) can be keyed by."""
        return cls(membership.user_id, str(membership.user))


def colleague_choices(account: Account) -> list[Colleague]:
    """active_colleagues as plain rows, for the choices of a list page that shows 50 records and
    needs only each colleague's id and name."""
    return [Colleague(user_id, name or email) for user_id, name, email in _colleague_rows(account.pk)]


@prepared
def _colleague_rows(account_id: int) -> QuerySet[Membership, tuple[int, str, str]]:
    return (Membership.objects.active().filter(account_id=account_id).order_by("user__name", "pk")
            .values_list("user_id", "user__name", "user__email"))


def own_api_keys(membership: Membership) -> list[ApiKey]:
    """The user's API keys in this account that still work, newest first."""
    return list(ApiKey.objects.filter(account=membership.account, user=membership.user, revoked_at__isnull=True)
                .order_by("-created_at"))


def team_members(account: Account) -> list[Membership]:
    """Everyone in the account, the active ones first, by name."""
    return list(Membership.objects.filter(account=account).select_related("user").order_by("-is_active", "user__name"))


def open_invitations(account: Account) -> list[Invitation]:
    """Invitations neither accepted nor withdrawn, newest first."""
    return list(Invitation.objects.filter(account=account, accepted_at__isnull=True, withdrawn_at__isnull=True)
                .select_related("invited_by").order_by("-sent_at"))


def responsible_count(account: Account, user: User) -> int:
    """How many live records of the account the user is responsible for."""
    return Record.objects.filter(account=account, responsible=user).alive().count()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link names (the token is the key), open or not, or None."""
    return Invitation.objects.filter(token=token).select_related("account", "invited_by").first()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def own_memberships(user: User) -> list[Membership]:
    """The user's active memberships with their accounts, by account name (to switch between them)."""
    return list(Membership.objects.active().filter(user=user).select_related("account").order_by("account__name"))


def own_membership_in(user: User, account_id: int) -> Membership | None:
    """The user's active membership in that account, or None (not theirs, or deactivated)."""
    return Membership.objects.active().filter(user=user, account_id=account_id).select_related("account").first()
