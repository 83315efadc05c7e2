"""/api/v1/webhooks: the account's webhook subscriptions and their delivery logs, for owners and
administrators (403 for every other role). See docs/webhooks.md for the events, the payload and
how to check a signature."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Text
from kontor.records.access import access_delivery, access_subscription, require_webhook_manager
from kontor.webhooks import actions
from kontor.webhooks.models import ALL_EVENTS, EVENTS, Delivery, Subscription

router = Router(tags=["Webhooks"])

# Built from the event list in kontor/webhooks/models.py, so that pydantic checks and the document lists
# exactly the events there; mypy wants a Literal spelled out and cannot read one built at run time.
EventName = Literal[(*EVENTS, ALL_EVENTS)]  # type: ignore[valid-type]
EVENTS_HELP = "Events to send: " + ", ".join(EVENTS) + ", or * for all of them."


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool = Field(description="False once switched off, by hand or after 24 hours of failed deliveries.")
    failing_since: dt.datetime | None = Field(description="Since when nothing got through; null when the last "
                                                          "delivery did.")
    last_success_at: dt.datetime | None
    disabled_at: dt.datetime | None
    disabled_reason: Literal["", "failures", "by_hand"] = Field(
        description="Why it is switched off: failures (24 hours without a delivery) or by_hand; \"\" while active.")
    created_at: dt.datetime
    updated_at: dt.datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret. Shown only now (and when rolled): store it.")


class SecretOut(Schema):
    secret: str = Field(description="The new signing secret, valid at once; the old one no longer signs.")


class WebhookPage(Page):
    items: list[WebhookOut]


class WebhookIn(Schema):
    url: Text = Field(min_length=1, max_length=2000, description="http:// or https:// address of a public host.")
    events: list[EventName] = Field(min_length=1, max_length=len(EVENTS) + 1, description=EVENTS_HELP)
    description: Text = Field("", max_length=200)


class WebhookPatch(Schema):
    url: Text | None = Field(None, min_length=1, max_length=2000)
    events: list[EventName] | None = Field(None, min_length=1, max_length=len(EVENTS) + 1, description=EVENTS_HELP)
    description: Text | None = Field(None, max_length=200)
    active: bool | None = Field(None, description="true switches a webhook on again and clears its failure state.")


class DeliveryOut(Schema):
    id: int = Field(description="The `id` of the payload and the Kontor-Delivery header.")
    webhook_id: int
    event: str
    state: Literal["pending", "delivered", "failed"] = Field(
        description="pending: waiting for its first attempt or a retry; delivered: answered with 2xx; "
                    "failed: refused, or given up after 24 hours.")
    attempts: int
    status_code: int | None = Field(description="Of the latest attempt; null after a network error.")
    duration_ms: int | None
    response: str = Field(description="The first kilobyte of the latest answer.")
    error: str = Field(description="Why the latest attempt failed without an answer.")
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    redelivery_of: int | None = Field(description="The delivery this one sends again.")


class DeliveryPage(Page):
    items: list[DeliveryOut]


def webhook_out(subscription: Subscription) -> dict[str, Any]:
    return {"id": subscription.pk, "url": subscription.url, "events": subscription.events,
            "description": subscription.description, "active": subscription.is_active,
            "failing_since": subscription.failing_since, "last_success_at": subscription.last_success_at,
            "disabled_at": subscription.disabled_at, "disabled_reason": subscription.disabled_reason,
            "created_at": subscription.created_at, "updated_at": subscription.updated_at}


def delivery_out(delivery: Delivery) -> dict[str, Any]:
    return {"id": delivery.pk, "webhook_id": delivery.subscription_id, "event": delivery.event,
            "state": delivery.state, "attempts": delivery.attempts, "status_code": delivery.status_code,
            "duration_ms": delivery.duration_ms, "response": delivery.response_excerpt, "error": delivery.error,
            "created_at": delivery.created_at, "last_attempt_at": delivery.last_attempt_at,
            "next_attempt_at": delivery.next_attempt_at, "redelivery_of": delivery.redelivery_of_id}


class WebhookFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only webhooks created or changed (also switched "
                                           "off) at or after this time (ISO 8601).")
    order: Literal["created_at", "-created_at", "-updated_at", "updated_at"] = Field(
        "created_at", description="`created_at` (oldest first), `-created_at`, `-updated_at` (recently changed "
                                  "first) or `updated_at`.")


class DeliveryFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only deliveries made or tried at or after this "
                                           "time (ISO 8601).")
    order: Literal["-created_at", "created_at"] = Field("-created_at", description="`-created_at` (newest "
                                                        "first) or `created_at`.")


@router.get("", response={200: WebhookPage, 403: ErrorOut, 422: InvalidInputOut}, summary="List webhooks",
            description="Oldest first unless `order` says otherwise.")
def list_webhooks(request: HttpRequest, params: Query[WebhookFilters]) -> dict:
    by = membership(request)
    require_webhook_manager(by)
    webhooks = changed_since(Subscription.objects.filter(account=by.account), params, "updated_at")
    rows, has_next = page_of(in_order(webhooks, params.order), params)
    return envelope([webhook_out(s) for s in rows], params, has_next)


@router.post("", response={201: WebhookCreated, 403: ErrorOut, 422: InvalidInputOut}, summary="Create a webhook",
             description="The URL's host is resolved and must be a public internet address (422 otherwise). "
                         "The answer holds the signing `secret`, shown only this once.")
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status:
    subscription, secret = actions.create_subscription(membership(request), payload.url, payload.events,
                                                       payload.description)
    return Status(201, {**webhook_out(subscription), "secret": secret})


@router.get("/{webhook_id}", response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
            summary="Read a webhook")
def read_webhook(request: HttpRequest, webhook_id: Id) -> dict:
    return webhook_out(access_subscription(membership(request), webhook_id))


@router.patch("/{webhook_id}", response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
              summary="Change a webhook", description="Only the keys sent change. A new URL is checked like a "
                                                      "new webhook's.")
def update_webhook(request: HttpRequest, webhook_id: Id, payload: WebhookPatch) -> dict:
    by = membership(request)
    subscription = access_subscription(by, webhook_id)
    changes = {name: value for name, value in payload.model_dump(exclude_unset=True).items() if value is not None}
    if "active" in changes:
        changes["is_active"] = changes.pop("active")
    return webhook_out(actions.update_subscription(subscription, by, changes))


@router.delete("/{webhook_id}", response={204: None, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
               summary="Delete a webhook",
               description="With its delivery log; deliveries still waiting are not sent.")
def delete_webhook(request: HttpRequest, webhook_id: Id) -> Status:
    by = membership(request)
    actions.delete_subscription(access_subscription(by, webhook_id), by)
    return Status(204, None)


@router.post("/{webhook_id}/roll-secret", response={200: SecretOut, 403: ErrorOut, 404: ErrorOut,
                                                    422: InvalidInputOut},
             summary="Roll a webhook's secret", description="A new signing secret, shown only in this answer. "
                                                           "Deliveries from now on are signed with it.")
def roll_secret(request: HttpRequest, webhook_id: Id) -> dict:
    by = membership(request)
    return {"secret": actions.roll_secret(access_subscription(by, webhook_id), by)}


@router.get("/{webhook_id}/deliveries", response={200: DeliveryPage, 403: ErrorOut, 404: ErrorOut,
                                                   422: InvalidInputOut},
            summary="A webhook's delivery log",
            description="Its last 100 deliveries, newest first unless `order` says otherwise.")
def list_deliveries(request: HttpRequest, webhook_id: Id, params: Query[DeliveryFilters]) -> dict:
    subscription = access_subscription(membership(request), webhook_id)
    deliveries = changed_since(Delivery.objects.filter(subscription=subscription), params, "created_at",
                               "last_attempt_at")
    rows, has_next = page_of(in_order(deliveries, params.order), params)
    return envelope([delivery_out(d) for d in rows], params, has_next)


@router.post("/deliveries/{delivery_id}/redeliver", response={202: DeliveryOut, 403: ErrorOut, 404: ErrorOut,
                                                               422: InvalidInputOut},
             summary="Send a delivery again", description="A new delivery of the same event and data, with its "
                                                         "own id, sent by the worker (202). 422 while the webhook "
                                                         "is switched off.")
def redeliver(request: HttpRequest, delivery_id: Id) -> Status:
    by = membership(request)
    return Status(202, delivery_out(actions.redeliver(access_delivery(by, delivery_id), by)))
