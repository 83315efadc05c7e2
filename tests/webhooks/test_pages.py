"""The settings pages of webhooks: list, create (secret shown once), edit, roll the secret,
delete, the delivery log with "send again"; owners and administrators only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kontor.webhooks.models import Delivery, DeliveryState, Subscription
from tests.webhooks.conftest import subscribe


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(dave, receiver):
    response = dave.client.post(reverse("webhooks:create"), {
        "url": receiver.url, "description": "ERP", "events": ["person.created", "deal.won"]})

    subscription = Subscription.objects.get()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert subscription.secret in response.content.decode()
    assert subscription.events == ["person.created", "deal.won"] and subscription.description == "ERP"
    assert subscription.account == dave.account and subscription.created_by == dave.user
    detail = dave.client.get(reverse("webhooks:detail", args=[subscription.pk]))
    assert detail.status_code == 200 and subscription.secret not in detail.content.decode()


def test_the_list_shows_the_accounts_webhooks_and_a_link_in_the_menu(alice, oscar, receiver):
    subscribe(alice, receiver.url, description="Buchhaltung")
    subscribe(oscar, receiver.url, description="Fremd")

    page = alice.client.get(reverse("webhooks:list")).content.decode()

    assert "Buchhaltung" in page and "Fremd" not in page
    assert reverse("webhooks:list") in alice.client.get(reverse("start")).content.decode()


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/hook", "Only http:// and https://"),
    ("http://10.0.0.8/hook", "private, local or reserved"),
    ("https://user:pw@example.com/hook", "user name and password"),
    ("not a url", "full web address"),
])
def test_a_bad_address_is_refused_next_to_the_field(alice, settings, url, message):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = alice.client.post(reverse("webhooks:create"), {"url": url, "events": ["*"]})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscription.objects.exists()


def test_no_event_chosen_is_refused(alice, receiver):
    response = alice.client.post(reverse("webhooks:create"), {"url": receiver.url})

    assert "Choose at least one event." in response.content.decode()
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_power_users_and_members_cannot_open_or_change_webhooks(request, alice, receiver, persona):
    subscription, secret = subscribe(alice, receiver.url)
    client = request.getfixturevalue(persona).client

    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.post(reverse("webhooks:create"), {"url": receiver.url, "events": ["*"]}).status_code == 403
    assert client.post(reverse("webhooks:roll_secret", args=[subscription.pk])).status_code == 403
    assert client.post(reverse("webhooks:delete", args=[subscription.pk])).status_code == 403
    subscription.refresh_from_db()
    assert subscription.secret == secret and Subscription.objects.count() == 1


def test_editing_changes_the_events_and_switching_on_clears_the_failures(alice, receiver):
    subscription, _secret = subscribe(alice, receiver.url, ["person.created"])
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False, disabled_reason="x",
                                                           failing_since="2026-01-01T00:00Z")

    response = alice.client.post(reverse("webhooks:edit", args=[subscription.pk]), {
        "url": receiver.url, "description": "neu", "events": ["deal.won", "deal.lost"], "is_active": "on"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.events == ["deal.won", "deal.lost"] and subscription.description == "neu"
    assert subscription.is_active and subscription.failing_since is None and subscription.disabled_reason == ""


def test_rolling_the_secret_shows_the_new_one_once(alice, receiver):
    subscription, old = subscribe(alice, receiver.url)

    response = alice.client.post(reverse("webhooks:roll_secret", args=[subscription.pk]))

    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.secret in response.content.decode() and response["Cache-Control"] == "no-store"


def test_deleting_removes_the_webhook_and_its_log(alice, receiver):
    subscription, _secret = subscribe(alice, receiver.url)
    Delivery.objects.create(account=alice.account, subscription=subscription, event="person.created",
                            state=DeliveryState.DELIVERED)

    response = alice.client.post(reverse("webhooks:delete", args=[subscription.pk]))

    assert response.status_code == 302
    assert not Subscription.objects.exists() and not Delivery.objects.exists()


def test_the_log_shows_deliveries_and_sends_one_again(alice, receiver, django_capture_on_commit_callbacks,
                                                       django_assert_max_num_queries):
    subscription, _secret = subscribe(alice, receiver.url)
    receiver.answer(500, b"kaputt")
    for number in range(30):
        Delivery.objects.create(account=alice.account, subscription=subscription, event="person.updated",
                                state=DeliveryState.FAILED, status_code=500, data={"n": number})
    first = Delivery.objects.order_by("pk")[0]

    with django_assert_max_num_queries(12):
        page = alice.client.get(reverse("webhooks:detail", args=[subscription.pk]))
    assert page.content.decode().count("person.updated") == 30
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client.post(reverse("webhooks:redeliver", args=[first.pk]))

    assert response.status_code == 302
    again = Delivery.objects.get(redelivery_of=first)
    assert again.state == DeliveryState.PENDING and again.status_code == 500  # the receiver said 500: retried later
    assert receiver.requests[0].json["data"] == {"n": 0}
    assert receiver.requests[0].json["id"] == again.pk


def test_another_accounts_webhook_pages_are_a_404(alice, oscar, receiver):
    subscription, secret = subscribe(alice, receiver.url)
    delivery = Delivery.objects.create(account=alice.account, subscription=subscription, event="person.created",
                                       state=DeliveryState.FAILED)

    for name, ids in [("detail", [subscription.pk]), ("edit", [subscription.pk]), ("roll_secret", [subscription.pk]),
                      ("delete", [subscription.pk]), ("redeliver", [delivery.pk])]:
        assert oscar.client.post(reverse(f"webhooks:{name}", args=ids)).status_code == 404, name
    subscription.refresh_from_db()
    assert subscription.secret == secret and Delivery.objects.count() == 1
