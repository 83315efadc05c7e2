"""Reads for the webhooks pages."""

from __future__ import annotations

from kontor.accounts.models import Account
from kontor.webhooks.models import Subscription


def subscriptions_of(account: Account) -> list[Subscription]:
    """The account's webhooks, oldest first."""
    return list(Subscription.objects.filter(account=account).order_by("pk"))
