"""Sending webhooks: one attempt of a delivery, the retry schedule, giving up and switching a
subscription off. The worker runs this (jobs.py); a request never waits for a receiver.

A delivery is retried on network errors, timeouts, 5xx and 429 (after its Retry-After), with
waits doubling from one minute up to four hours, for 24 hours from when it was made. Any other
answer (2xx: delivered; 3xx, 4xx: refused) ends it. When a delivery gives up and nothing reached
the subscription's URL since that delivery was made, the subscription is switched off, its other
waiting deliveries are dropped, and the owner and administrators are told (a notification, and
its mail through the usual notification path)."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.accounts.roles import Role
from kontor.notifications import jobs as notification_jobs
from kontor.notifications.models import Notification, NotificationType
from kontor.webhooks import addresses, sending
from kontor.webhooks.listening import refresh_listening
from kontor.webhooks.models import LOG_LENGTH, Delivery, DeliveryState, DisabledReason, Subscription

logger = logging.getLogger(__name__)

RETRY_WINDOW = dt.timedelta(hours=24)
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=4)
# How long a worker holds a delivery it is sending; longer than the timeout on every address.
CLAIM = dt.timedelta(minutes=5)
DUE_PER_RUN = 500


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def next_attempt_at(first_at: dt.datetime, attempts: int, now: dt.datetime,
                    retry_after: float | None = None) -> dt.datetime | None:
    """When to try again after `attempts` failed attempts, or None to give up.

    1. Past the window (24 hours from `first_at`) there is no next attempt.
    2. The wait is the receiver's Retry-After when it sent one (at least a second), else one
       minute doubled per earlier attempt, at most four hours.
    3. No attempt is planned beyond the window's end; the last one happens at that end."""
    deadline = first_at + RETRY_WINDOW
    if now >= deadline:
        return None
    if retry_after is not None:
        wait = dt.timedelta(seconds=max(1.0, min(retry_after, RETRY_WINDOW.total_seconds())))
    else:
        wait = min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)
    return min(now + wait, deadline)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def body_of(delivery: Delivery) -> bytes:
    return json.dumps({"id": delivery.pk, "event": delivery.event, "created_at": _iso(delivery.created_at),
                       "account_id": delivery.account_id, "data": delivery.data},
                      ensure_ascii=False, separators=(",", ":")).encode()


def _headers(delivery: Delivery, secret: str, body: bytes, now: dt.datetime) -> dict[str, str]:
    return {"Kontor-Event": delivery.event, "Kontor-Delivery": str(delivery.pk),
            "Kontor-Signature": sending.signature(secret, body, int(now.timestamp()))}


def refusal_text(refused: addresses.UrlRefused) -> str:
    """Why a URL may not be used, as a sentence for the settings page, the API and the log."""
    if refused.reason == "scheme":
        return _("Only http:// and https:// addresses can receive webhooks.")
    if refused.reason == "credentials":
        return _("Leave the user name and password out of the address; check the signature instead.")
    if refused.reason == "unresolvable":
        return _("The host name could not be found.")
    if refused.reason == "private":
        return _("The address %(address)s is in a private, local or reserved network; webhooks go only to "
                 "public internet addresses.") % {"address": refused.detail}
    return _("Enter a full web address such as https://example.com/hooks/kontor.")


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    """The delivery, if it is due and this worker got it first (a conditional UPDATE)."""
    claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=now + CLAIM)
    return Delivery.objects.select_related("subscription").get(pk=delivery_id) if claimed else None


def deliver(delivery_id: int, now: dt.datetime | None = None,
            resolve: addresses.Resolver | None = None) -> Delivery | None:
    """One attempt of a due delivery (None if it is not due or another worker has it). The host
    is resolved and checked again, and the request goes to the checked address."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    try:
        _attempt(delivery, now, resolve)
    except Exception:  # noqa: BLE001 - a bug must not leave the delivery claimed and retried for ever
        logger.exception("Webhook delivery %s failed unexpectedly", delivery.pk)
        _record(delivery, sending.Answer(None, error=_("Kontor could not send this delivery.")), now)
    return delivery


def _attempt(delivery: Delivery, now: dt.datetime, resolve: addresses.Resolver | None) -> None:
    subscription = delivery.subscription
    if not subscription.is_active:
        _end(delivery, DeliveryState.FAILED, now, error=_("The webhook is switched off."))
        return
    try:
        target = addresses.check(subscription.url, resolve=resolve, allow_private=allow_private())
    except addresses.UrlRefused as refused:
        if refused.reason != "unresolvable":
            _end(delivery, DeliveryState.FAILED, now, error=refusal_text(refused))
            return
        answer = sending.Answer(None, error=refusal_text(refused))
    else:
        body = body_of(delivery)
        answer = sending.post(target, body, _headers(delivery, subscription.secret, body, now))
    _record(delivery, answer, now)


def _record(delivery: Delivery, answer: sending.Answer, now: dt.datetime) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.status_code, delivery.duration_ms = answer.status, answer.duration_ms
    delivery.response_excerpt, delivery.error = answer.excerpt.replace("\x00", ""), answer.error
    status = answer.status
    if status is not None and 200 <= status < 300:
        _end(delivery, DeliveryState.DELIVERED, now)
        Subscription.objects.filter(pk=delivery.subscription_id).update(last_success_at=now, failing_since=None)
        return
    Subscription.objects.filter(pk=delivery.subscription_id, failing_since__isnull=True).update(failing_since=now)
    if status is not None and status != 429 and status < 500:
        _end(delivery, DeliveryState.FAILED, now)  # refused (4xx) or redirected (3xx): trying again won't help
        return
    retry_after = answer.retry_after if status == 429 else None
    later = next_attempt_at(delivery.created_at, delivery.attempts, now, retry_after)
    if later is not None:
        delivery.next_attempt_at = later
        delivery.save()
        return
    _give_up(delivery, now)


def _end(delivery: Delivery, state: str, now: dt.datetime, error: str = "") -> None:
    delivery.state, delivery.next_attempt_at = state, None
    if error:
        delivery.error, delivery.last_attempt_at = error[:300], now
    delivery.save()
    prune_log(delivery.subscription_id)


@transaction.atomic
def _give_up(delivery: Delivery, now: dt.datetime) -> None:
    _end(delivery, DeliveryState.FAILED, now)
    subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
    nothing_since = subscription.last_success_at is None or subscription.last_success_at < delivery.created_at
    if subscription.is_active and nothing_since:
        switch_off(subscription, now)


def switch_off(subscription: Subscription, now: dt.datetime) -> None:
    """Stops a subscription that failed for a day, drops what still waits for it, tells the admins."""
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_at=now, disabled_reason=DisabledReason.FAILURES, updated_at=now)
    refresh_listening(subscription.account_id)
    Delivery.objects.filter(subscription=subscription, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED, next_attempt_at=None, error=_("The webhook is switched off."))
    logger.warning("Webhook %s of account %s switched off after 24 hours of failures", subscription.pk,
                   subscription.account_id)
    admins = (Membership.objects.active().filter(account_id=subscription.account_id, role__in=[Role.OWNER, Role.ADMIN])
              .select_related("user"))
    created = Notification.objects.bulk_create([
        Notification(account_id=subscription.account_id, recipient=m.user, actor=None, type=NotificationType.WEBHOOK,
                     url=subscription.get_absolute_url(), title=(subscription.description or subscription.url)[:300],
                     excerpt=subscription.url[:300], created_at=now)
        for m in admins])
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: notification_jobs.send_notification_mails(ids))


def prune_log(subscription_id: int) -> int:
    """Keeps the newest LOG_LENGTH deliveries of a subscription (and any that still wait)."""
    oldest_kept = (Delivery.objects.filter(subscription_id=subscription_id).order_by("-id")
                   .values_list("pk", flat=True)[LOG_LENGTH - 1:LOG_LENGTH])
    cutoff = list(oldest_kept)
    if not cutoff:
        return 0
    removed, _per_model = (Delivery.objects.filter(subscription_id=subscription_id, pk__lt=cutoff[0])
                           .exclude(state=DeliveryState.PENDING).delete())
    return removed


def deliver_due(now: dt.datetime | None = None, resolve: addresses.Resolver | None = None) -> int:
    """Every delivery whose time has come (retries, and first attempts whose job was lost)."""
    now = now or timezone.now()
    due = list(Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:DUE_PER_RUN])
    return sum(1 for pk in due if deliver(pk, now, resolve) is not None)
