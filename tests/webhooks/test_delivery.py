"""Deliveries against a real local HTTP receiver: the body, the headers and the signature
checked with the recipe of docs/webhooks.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from kontor.contacts import actions as contact_actions
from kontor.webhooks import actions
from kontor.webhooks.models import Delivery, DeliveryState
from tests.webhooks.conftest import subscribe


def documented_verifier() -> Callable[[str, str, bytes], bool]:
    """The function exactly as docs/webhooks.md prints it."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text(encoding="utf-8")
    [code] = [block for block in re.findall(r"```python\n(.*?)```", guide, flags=re.DOTALL)
              if "def verify_kontor_signature" in block]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our own documentation, checked to work as printed
    return namespace["verify_kontor_signature"]


def is_from_kontor(secret: str, body: bytes, header: str) -> bool:
    return documented_verifier()(secret, header, body)


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
    assert is_from_kontor(secret, request.body, request.headers["Kontor-Signature"])
    assert not is_from_kontor("whsec_other", request.body, request.headers["Kontor-Signature"])
    assert not is_from_kontor(secret, request.body + b" ", request.headers["Kontor-Signature"])
    assert not is_from_kontor(secret, request.body, "garbage")
    body = request.json
    assert body["id"] == delivery.pk and body["event"] == "person.created"
    assert body["account_id"] == alice.account.pk and body["created_at"].endswith("Z")
    assert body["data"]["id"] == person.pk and body["data"]["name"] == "Anna Adler"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.status_code == 200
    assert delivery.response_excerpt == "ok" and delivery.attempts == 1
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None


def test_a_rolled_secret_signs_the_next_delivery(alice, receiver, django_capture_on_commit_callbacks):
    subscription, old = subscribe(alice, receiver.url, ["person.created"])
    new = actions.roll_secret(subscription, alice.membership)

    with django_capture_on_commit_callbacks(execute=True):
        contact_actions.create_person(alice.membership, {"last_name": "Adler"})

    [request] = receiver.requests
    assert is_from_kontor(new, request.body, request.headers["Kontor-Signature"])
    assert not is_from_kontor(old, request.body, request.headers["Kontor-Signature"])


def test_nothing_is_sent_when_the_change_is_rolled_back(alice, receiver, django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url)

    with (django_capture_on_commit_callbacks(execute=True),
          pytest.raises(RuntimeError, match="the rest of the request failed"),
          transaction.atomic()):
        contact_actions.create_person(alice.membership, {"last_name": "Adler"})
        raise RuntimeError("the rest of the request failed")

    assert receiver.requests == [] and not Delivery.objects.exists()
