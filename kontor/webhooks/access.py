"""Access helpers for webhooks, in the manner of kontor/records/access.py: another account's
subscription or delivery and a missing one give the same 404 (checked before the role, so the
answer tells an outsider nothing); then only owners and administrators get further (403)."""

from __future__ import annotations

from django.http import Http404

from kontor.accounts.models import Membership
from kontor.webhooks.actions import require_webhook_manager
from kontor.webhooks.models import Delivery, Subscription


def access_subscription(membership: Membership, subscription_id: int) -> Subscription:
    found = Subscription.objects.filter(account=membership.account, pk=subscription_id).first()
    if found is None:
        raise Http404
    require_webhook_manager(membership)
    return found


def access_delivery(membership: Membership, delivery_id: int) -> Delivery:
    found = Delivery.objects.filter(account=membership.account, pk=delivery_id).select_related("subscription").first()
    if found is None:
        raise Http404
    require_webhook_manager(membership)
    return found
