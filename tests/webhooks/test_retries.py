"""Retries with a controlled clock (`now` passed in, no sleeping): the backoff, 429's
Retry-After, redirects and 4xx not retried, and the switch-off after about 24 hours with the
owner and administrators told."""

from __future__ import annotations

import datetime as dt
import socket

from django.core import mail
from huey.contrib.djhuey import HUEY

from kontor.contacts import actions as contact_actions
from kontor.notifications.models import Notification, NotificationType
from kontor.webhooks import actions
from kontor.webhooks import delivery as sending_delivery
from kontor.webhooks.delivery import next_attempt_at
from kontor.webhooks.models import Delivery, DeliveryState, Subscription
from kontor.webhooks.sending import retry_after_seconds
from tests.webhooks.conftest import subscribe

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _person_created(alice, capture) -> Delivery:
    with capture(execute=True):
        contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    return Delivery.objects.get()


def test_the_wait_doubles_from_a_minute_up_to_four_hours_and_ends_after_a_day():
    waits, now, attempts = [], START, 1
    while (later := next_attempt_at(START, attempts, now)) is not None:
        waits.append(later - now)
        now, attempts = later, attempts + 1
    minutes = [wait.total_seconds() / 60 for wait in waits]
    assert minutes[:9] == [1, 2, 4, 8, 16, 32, 64, 128, 240]
    assert max(minutes) == 240
    assert now == START + dt.timedelta(hours=24)  # the last attempt is at the end of the day
    assert 14 <= attempts <= 16


def test_retry_after_is_honoured_but_not_beyond_the_day():
    assert next_attempt_at(START, 1, START, retry_after=120) == START + dt.timedelta(seconds=120)
    assert next_attempt_at(START, 1, START, retry_after=0) == START + dt.timedelta(seconds=1)
    assert next_attempt_at(START, 1, START, retry_after=10**9) == START + dt.timedelta(hours=24)


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("90", 0) == 90
    now = START.timestamp()
    assert retry_after_seconds("Mon, 02 Mar 2026 09:05:00 GMT", now) == 300
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_a_5xx_is_tried_again_after_a_minute_and_then_delivered(alice, receiver,
                                                                 django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url, ["person.created"])
    receiver.answer(503, b"busy")

    delivery = _person_created(alice, django_capture_on_commit_callbacks)

    assert delivery.state == DeliveryState.PENDING and delivery.status_code == 503
    assert delivery.response_excerpt == "busy" and delivery.attempts == 1
    first_try = delivery.last_attempt_at
    assert first_try is not None
    assert delivery.next_attempt_at == first_try + dt.timedelta(minutes=1)
    assert sending_delivery.deliver_due(now=first_try + dt.timedelta(seconds=59)) == 0
    assert sending_delivery.deliver_due(now=first_try + dt.timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2
    assert [r.headers["Kontor-Delivery"] for r in receiver.requests] == [str(delivery.pk)] * 2
    assert Subscription.objects.get().failing_since is None


def test_429_waits_as_long_as_retry_after_says(alice, receiver, django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url)
    receiver.answer(429, b"slow down", Retry_After="120")

    delivery = _person_created(alice, django_capture_on_commit_callbacks)

    assert delivery.status_code == 429 and delivery.state == DeliveryState.PENDING
    assert delivery.last_attempt_at is not None
    assert delivery.next_attempt_at == delivery.last_attempt_at + dt.timedelta(seconds=120)


def test_a_refused_network_connection_is_tried_again(alice, django_capture_on_commit_callbacks):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    subscribe(alice, f"http://127.0.0.1:{port}/hook")

    delivery = _person_created(alice, django_capture_on_commit_callbacks)

    assert delivery.state == DeliveryState.PENDING and delivery.status_code is None
    assert "ConnectionRefused" in delivery.error and delivery.attempts == 1


def test_a_redirect_is_not_followed_nor_retried(alice, receiver, django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url)
    receiver.answer(302, Location="http://127.0.0.1:9/elsewhere")

    delivery = _person_created(alice, django_capture_on_commit_callbacks)

    assert delivery.state == DeliveryState.FAILED and delivery.status_code == 302
    assert len(receiver.requests) == 1 and delivery.next_attempt_at is None


def test_a_4xx_ends_the_delivery_without_switching_the_webhook_off(alice, receiver,
                                                                    django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url)
    receiver.answer(400, b"bad")

    delivery = _person_created(alice, django_capture_on_commit_callbacks)

    assert delivery.state == DeliveryState.FAILED and delivery.status_code == 400
    subscription = Subscription.objects.get()
    assert subscription.is_active and subscription.failing_since is not None


def test_after_a_day_of_failures_the_webhook_is_switched_off_and_the_admins_are_told(
        alice, bob, carol, dave, receiver, django_capture_on_commit_callbacks):
    subscription, _secret = subscribe(alice, receiver.url, description="ERP")
    receiver.otherwise = (500, {}, b"down")
    delivery = _person_created(alice, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        contact_actions.create_person(alice.membership, {"last_name": "Berger"})  # a second one waits too

    with django_capture_on_commit_callbacks(execute=True):
        while True:
            delivery.refresh_from_db()
            if delivery.state != DeliveryState.PENDING:
                break
            sending_delivery.deliver(delivery.pk, now=delivery.next_attempt_at)

    assert delivery.state == DeliveryState.FAILED and delivery.last_attempt_at is not None
    assert delivery.last_attempt_at - delivery.created_at >= dt.timedelta(hours=23, minutes=59)
    assert 14 <= delivery.attempts <= 16
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    assert subscription.disabled_reason == "failures"
    assert not Delivery.objects.filter(state=DeliveryState.PENDING).exists()  # the other one is dropped
    told = Notification.objects.filter(type=NotificationType.WEBHOOK)
    assert {n.recipient for n in told} == {alice.user, dave.user}
    assert {n.url for n in told} == {subscription.get_absolute_url()}
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "dave@example.com"]
    assert "switched off" in mail.outbox[0].body and "ERP" in mail.outbox[0].body
    page = alice.client.get(subscription.get_absolute_url()).content.decode()
    assert "This webhook is switched off." in page and "Nothing could be delivered for 24 hours." in page


def test_a_success_in_between_keeps_the_webhook_on(alice, receiver, django_capture_on_commit_callbacks):
    subscription, _secret = subscribe(alice, receiver.url)
    receiver.otherwise = (500, {}, b"down")
    failing = _person_created(alice, django_capture_on_commit_callbacks)
    receiver.otherwise = (200, {}, b"ok")
    with django_capture_on_commit_callbacks(execute=True):
        contact_actions.create_person(alice.membership, {"last_name": "Berger"})  # gets through
    receiver.otherwise = (500, {}, b"down")

    while failing.state == DeliveryState.PENDING:
        sending_delivery.deliver(failing.pk, now=failing.next_attempt_at)
        failing.refresh_from_db()

    subscription.refresh_from_db()
    assert failing.state == DeliveryState.FAILED and subscription.is_active
    assert not Notification.objects.filter(type=NotificationType.WEBHOOK).exists()


def test_a_delivery_is_sent_once_even_when_two_jobs_run_it(alice, receiver, django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url)
    receiver.answer(503)
    delivery = _person_created(alice, django_capture_on_commit_callbacks)
    due = delivery.next_attempt_at

    assert sending_delivery.deliver(delivery.pk, now=due) is not None
    assert sending_delivery.deliver(delivery.pk, now=due) is None  # claimed and done: nothing twice
    assert len(receiver.requests) == 2


def test_an_unexpected_failure_counts_as_a_failed_attempt_not_a_stuck_delivery(alice, receiver):
    actions.create_subscription(alice.membership, receiver.url.replace("127.0.0.1", "hooks.example"), ["*"],
                                resolve=lambda host, port: ["127.0.0.1"])
    contact_actions.create_person(alice.membership, {"last_name": "Adler"})  # not committed: waits
    waiting = Delivery.objects.get()

    def broken(host: str, port: int) -> list[str]:
        raise RuntimeError("resolver crashed")

    sending_delivery.deliver(waiting.pk, now=waiting.created_at, resolve=broken)

    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.PENDING and waiting.attempts == 1
    assert waiting.error == "Kontor could not send this delivery."
    assert waiting.next_attempt_at == waiting.created_at + dt.timedelta(minutes=1)


def test_the_worker_sends_due_retries_every_minute():
    periodic = {task.name: task for task in HUEY._registry.periodic_tasks}
    job = periodic["deliver_due_webhooks"]
    assert job.validate_datetime(START) and job.validate_datetime(START + dt.timedelta(minutes=1))
