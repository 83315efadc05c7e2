"""Webhooks: subscribing URLs to events, rolling secrets, sending again, and emit(), the one
function every action calls when something a subscriber may care about happened.

    webhooks.emit(by.account, "person.created", person)

emit() costs no query when the account's active subscriptions do not listen to the event (the
usual case): Account.webhook_events holds what they listen to, kept by the actions below, and
the account comes with the acting membership. It writes nothing then. Otherwise it writes one
pending Delivery per subscription and object, with the object as the API shows it, in the
caller's transaction, and enqueues their first attempt on commit: a write that is rolled back
sends nothing, and the worker sends, never the request. Imports emit one import.finished for
the whole file, not one event per row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Account, Membership
from kontor.records.access import require_webhook_manager
from kontor.webhooks import addresses, jobs, payloads
from kontor.webhooks.delivery import allow_private, refusal_text
from kontor.webhooks.listening import refresh_listening
from kontor.webhooks.models import ALL_EVENTS, EVENTS, Delivery, DisabledReason, Subscription, new_secret

MAX_URL = 2000
MAX_DESCRIPTION = 200


# --- emitting ---------------------------------------------------------------------------------


def emit(account: Account | int, event: str, objects: Model | Sequence[Model]) -> list[Delivery]:
    """Records `event` about `objects` (one model instance or several) for every active
    subscription of the account that wants it; see the module's docstring."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    many = objects if isinstance(objects, Sequence) else [objects]
    if not many:
        return []
    if isinstance(account, int):
        account_id = account
    else:
        account_id = account.pk
        if ALL_EVENTS not in account.webhook_events and event not in account.webhook_events:
            return []
    listening = [pk for pk, events in Subscription.objects.filter(account_id=account_id, is_active=True)
                 .values_list("pk", "events") if ALL_EVENTS in events or event in events]
    if not listening:
        return []
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create([
        Delivery(account_id=account_id, subscription_id=subscription_id, event=event, data=data,
                 next_attempt_at=now, created_at=now)
        for data in (payloads.data_of(event, obj) for obj in many) for subscription_id in listening])
    _enqueue([d.pk for d in deliveries])
    return deliveries


def _enqueue(ids: list[int]) -> None:
    transaction.on_commit(lambda: jobs.deliver_webhooks(ids))


# --- subscriptions ----------------------------------------------------------------------------


def clean_events(raw: Any) -> list[str]:
    """The chosen events without repeats, in the catalogue's order ("*" alone when it is chosen);
    a ValidationError for an empty choice or an unknown name."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError({"events": _("Choose at least one event, or * for all of them.")})
    unknown = [str(e) for e in raw if e not in EVENTS and e != ALL_EVENTS]
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(event)s.") % {"event": unknown[0][:60]}})
    return [ALL_EVENTS] if ALL_EVENTS in raw else [e for e in EVENTS if e in raw]


def clean_url(raw: Any, resolve: addresses.Resolver | None = None) -> str:
    url = str(raw or "").strip()
    if not url:
        raise ValidationError({"url": _("Enter the address that should receive the webhooks.")})
    if len(url) > MAX_URL:
        raise ValidationError({"url": _("At most %(count)s characters.") % {"count": MAX_URL}})
    try:
        addresses.check(url, resolve=resolve, allow_private=allow_private())
    except addresses.UrlRefused as refused:
        raise ValidationError({"url": refusal_text(refused)}) from None
    return url


def _clean(given: dict[str, Any], resolve: addresses.Resolver | None) -> dict[str, Any]:
    """The given fields (url, events, description) checked and tidied; a ValidationError naming
    each bad one."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    checks = {"url": lambda value: clean_url(value, resolve), "events": clean_events,
              "description": lambda value: " ".join(str(value or "").split())}
    for name, value in given.items():
        try:
            cleaned[name] = checks[name](value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if len(cleaned.get("description", "")) > MAX_DESCRIPTION:
        errors["description"] = [_("At most %(count)s characters.") % {"count": MAX_DESCRIPTION}]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_subscription(by: Membership, url: str, events: Iterable[str], description: str = "", *,
                        resolve: addresses.Resolver | None = None) -> tuple[Subscription, str]:
    """A new subscription; returns it and its secret (shown once)."""
    require_webhook_manager(by)
    values = _clean({"url": url, "events": list(events), "description": description}, resolve)
    subscription = Subscription.objects.create(account=by.account, created_by=by.user, **values)
    by.account.webhook_events = refresh_listening(by.account.pk)
    return subscription, subscription.secret


@transaction.atomic
def update_subscription(subscription: Subscription, by: Membership, changes: dict[str, Any], *,
                        resolve: addresses.Resolver | None = None) -> Subscription:
    """Changes url, events, description and is_active (only the keys given). Switching a
    subscription on again clears its failure state."""
    require_webhook_manager(by)
    given: dict[str, Any] = {name: changes[name] for name in ("url", "events", "description") if name in changes}
    if given.get("url") == subscription.url:
        del given["url"]  # unchanged: not resolved again (a passing DNS hiccup must not block an edit)
    for name, value in _clean(given, resolve).items():
        setattr(subscription, name, value)
    if "is_active" in changes and bool(changes["is_active"]) != subscription.is_active:
        subscription.is_active = bool(changes["is_active"])
        if subscription.is_active:
            subscription.disabled_at, subscription.disabled_reason, subscription.failing_since = None, "", None
        else:
            subscription.disabled_at, subscription.disabled_reason = timezone.now(), DisabledReason.BY_HAND
    subscription.updated_at = timezone.now()
    subscription.save()
    by.account.webhook_events = refresh_listening(by.account.pk)
    return subscription


@transaction.atomic
def roll_secret(subscription: Subscription, by: Membership) -> str:
    """A new secret, valid at once for every delivery from now on (the old one stops working)."""
    require_webhook_manager(by)
    subscription.secret = new_secret()
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription.secret


@transaction.atomic
def delete_subscription(subscription: Subscription, by: Membership) -> None:
    """Removes the subscription and its log; what still waited is not sent."""
    require_webhook_manager(by)
    subscription.delete()
    by.account.webhook_events = refresh_listening(by.account.pk)


@transaction.atomic
def redeliver(delivery: Delivery, by: Membership) -> Delivery:
    """Sends a logged delivery again: a new delivery (with its own id and a fresh day of retries)
    of the same event and data. Refused while the subscription is switched off."""
    require_webhook_manager(by)
    if not Subscription.objects.filter(pk=delivery.subscription_id, is_active=True).exists():
        raise ValidationError(_("The webhook is switched off. Switch it on before sending again."))
    now = timezone.now()
    again = Delivery.objects.create(account_id=delivery.account_id, subscription_id=delivery.subscription_id,
                                    event=delivery.event, data=delivery.data, redelivery_of=delivery,
                                    next_attempt_at=now, created_at=now)
    _enqueue([again.pk])
    return again
