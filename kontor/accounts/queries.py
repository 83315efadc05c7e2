"""Reads about the team of an account."""

from __future__ import annotations

from kontor.accounts.models import Account, Membership


def active_colleagues(account: Account) -> list[Membership]:
    """The account's active members with their users, by name: who can be responsible for a record,
    be assigned a task or be picked in a filter."""
    return list(Membership.objects.active().filter(account=account).select_related("user")
                .order_by("user__name", "pk"))
