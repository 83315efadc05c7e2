"""Deliveries against a real local HTTP receiver: the body, the headers and the signature
checked with the recipe of docs/webhooks.md."""

from __future__ import annotations

import hashlib
import hmac

from kontor.contacts import actions as contact_actions
from kontor.webhooks.models import Delivery, DeliveryState
from tests.webhooks.conftest import subscribe


def verify(secret: str, body: bytes, header: str) -> bool:
    """The recipe of docs/webhooks.md, copied: split the header, recompute, compare in constant time."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_new_person_is_posted_signed_to_the_subscribed_url(alice, receiver, django_capture_on_commit_callbacks):
    subscription, secret = subscribe(alice, receiver.url, ["person.created"])

    with django_capture_on_commit_callbacks(execute=True):
        person = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Adler"})

    [request] = receiver.requests
    delivery = Delivery.objects.get()
    assert request.path == "/hooks/kontor"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Kontor-Event"] == "person.created"
    assert request.headers["Kontor-Delivery"] == str(delivery.pk)
    assert verify(secret, request.body, request.headers["Kontor-Signature"])
    body = request.json
    assert body["id"] == delivery.pk and body["event"] == "person.created"
    assert body["account_id"] == alice.account.pk and body["created_at"].endswith("Z")
    assert body["data"]["id"] == person.pk and body["data"]["name"] == "Anna Adler"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.status_code == 200
    assert delivery.response_excerpt == "ok" and delivery.attempts == 1
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None
