"""Webhooks: URLs an account's owner or administrators subscribe to events, and the log of what
was sent to them (see docs/webhooks.md).

A Subscription keeps its secret in clear: every delivery is signed with it (HMAC-SHA256), so it
cannot be stored as a hash like an API key. It is shown once, when made or rolled.

A Delivery is one event for one subscription: the event's data, and the outcome of its latest
attempt. `next_attempt_at` is set while it still has to go out; the worker claims it by moving
that time forward (a lease), so two workers never send it at the same moment and a crashed worker's
claim runs out by itself."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account

KINDS = ("person", "company", "deal", "project", "task", "note", "email", "file", "comment")
EVENTS: tuple[str, ...] = (
    *(f"{kind}.{verb}" for kind in KINDS for verb in ("created", "updated", "deleted")),
    "deal.won", "deal.lost", "import.finished", "webform.submitted",
)
ALL_EVENTS = "*"
SECRET_PREFIX = "whsec_"
LOG_LENGTH = 100  # deliveries kept per subscription
EXCERPT_BYTES = 1024  # of each answer


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class DisabledReason(models.TextChoices):
    FAILURES = "failures", _("Nothing could be delivered for 24 hours.")
    BY_HAND = "by_hand", _("Switched off by hand.")


class Subscription(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(_("URL"), max_length=2000)
    events = models.JSONField(default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The failure state: since when nothing got through, when it was switched off and why.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=20, choices=DisabledReason.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The active subscriptions of an account: what emit() reads once something listens.
            models.Index(fields=["account"], condition=Q(is_active=True), name="webhook_active"),
        ]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:detail", args=[self.pk])

    def wants(self, event: str) -> bool:
        return ALL_EVENTS in self.events or event in self.events


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    # The object as the API showed it when the event happened; the body adds id, event and times.
    data = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Set on a delivery sent again by hand: the one it repeats.
    redelivery_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_log"),
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription_id}"
