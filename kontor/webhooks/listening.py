"""What an account's webhooks listen to, kept on the account (Account.webhook_events) so that
emit() knows without a query whether anything listens."""

from __future__ import annotations

from kontor.accounts.models import Account
from kontor.webhooks.models import ALL_EVENTS, Subscription


def refresh_listening(account_id: int) -> list[str]:
    """Writes what the account's active subscriptions listen to onto the account (see emit), in
    the caller's transaction; every change of a subscription's events or state calls it."""
    events: set[str] = set()
    for wanted in Subscription.objects.filter(account_id=account_id, is_active=True).values_list("events", flat=True):
        events.update(wanted)
    listening = [ALL_EVENTS] if ALL_EVENTS in events else sorted(events)
    Account.objects.filter(pk=account_id).update(webhook_events=listening)
    return listening
