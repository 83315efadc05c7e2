"""Reads for the notification pages: who follows what, and whose mail an unsubscribe link is for."""

from __future__ import annotations

from kontor.accounts.models import Membership, User
from kontor.records.models import Record, Watch

FOLLOWING_SHOWN = 1000


def is_following(record: Record, user: User) -> bool:
    return Watch.objects.filter(record=record, user=user).exists()


def followed_records(membership: Membership) -> list[Record]:
    """The live records of the account the user follows, by kind and name (at most FOLLOWING_SHOWN)."""
    return list(Record.objects.filter(account=membership.account, watches__user=membership.user)
                .alive().order_by("kind", "display_name")[:FOLLOWING_SHOWN])


def user_by_id(user_id: int) -> User | None:
    """The user a signed link names (the signature is the access check), or None if gone since."""
    return User.objects.filter(pk=user_id).first()
