"""/api/v1/webhooks: create (201 with the secret, once), list, read, change, delete, roll the
secret, the delivery log and sending again; 422 for addresses and events it refuses, 403 for
power users and members, 404 for another account's webhook."""

from __future__ import annotations

import pytest

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.webhooks.models import Delivery, DeliveryState, Subscription
from tests.webhooks.conftest import subscribe


def headers(persona) -> dict[str, str]:
    _key, secret = account_actions.create_api_key(persona.membership, "hooks")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, data, auth):
    return client.post(url, data=data, content_type="application/json", **auth)


def test_creating_a_webhook_answers_201_with_its_secret_once(alice, client, receiver):
    auth = headers(alice)

    response = post(client, "/api/v1/webhooks", {"url": receiver.url, "events": ["person.created", "deal.won"],
                                                 "description": "ERP"}, auth)

    assert response.status_code == 201
    body = response.json()
    subscription = Subscription.objects.get()
    assert body["id"] == subscription.pk and body["secret"] == subscription.secret
    assert body["secret"].startswith("whsec_") and body["active"] is True
    assert body["events"] == ["person.created", "deal.won"] and body["description"] == "ERP"
    read = client.get(f"/api/v1/webhooks/{subscription.pk}", **auth).json()
    assert "secret" not in read and read["url"] == receiver.url
    assert client.get("/api/v1/webhooks", **auth).json()["items"] == [read]


def test_a_private_address_is_refused_with_422_naming_the_url(alice, client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = post(client, "/api/v1/webhooks", {"url": "http://127.0.0.1:8000/admin", "events": ["*"]},
                    headers(alice))

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "url"] and "127.0.0.1 is in a private" in error["msg"]
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("payload", [
    {"url": "https://93.184.216.34/h", "events": []},
    {"url": "https://93.184.216.34/h", "events": ["person.born"]},
    {"url": "https://93.184.216.34/h"},
    {"url": "", "events": ["*"]},
    {"url": "https://93.184.216.34/h\x00", "events": ["*"]},
    {"url": "https://93.184.216.34/h", "events": ["*"], "description": "x" * 201},
])
def test_bad_input_is_refused_with_422(alice, client, payload):
    response = post(client, "/api/v1/webhooks", payload, headers(alice))

    assert response.status_code == 422
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_power_users_and_members_get_403(request, alice, client, receiver, persona):
    subscription, secret = subscribe(alice, receiver.url)
    auth = headers(request.getfixturevalue(persona))

    assert client.get("/api/v1/webhooks", **auth).status_code == 403
    assert post(client, "/api/v1/webhooks", {"url": receiver.url, "events": ["*"]}, auth).status_code == 403
    assert client.get(f"/api/v1/webhooks/{subscription.pk}", **auth).status_code == 403
    assert post(client, f"/api/v1/webhooks/{subscription.pk}/roll-secret", {}, auth).status_code == 403
    assert client.delete(f"/api/v1/webhooks/{subscription.pk}", **auth).status_code == 403
    subscription.refresh_from_db()
    assert subscription.secret == secret and Subscription.objects.count() == 1


def test_another_accounts_webhook_is_a_404(alice, oscar, client, receiver):
    subscription, _secret = subscribe(alice, receiver.url)
    auth = headers(oscar)

    for method, path in [("get", ""), ("patch", ""), ("delete", ""), ("post", "/roll-secret"),
                         ("get", "/deliveries")]:
        response = getattr(client, method)(f"/api/v1/webhooks/{subscription.pk}{path}", data={},
                                           content_type="application/json", **auth)
        assert response.status_code == 404, (method, path)
    assert client.get("/api/v1/webhooks", **auth).json()["items"] == []
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_changing_rolling_and_deleting(dave, client, receiver):
    auth = headers(dave)
    subscription, old_secret = subscribe(dave, receiver.url, ["person.created"])

    changed = client.patch(f"/api/v1/webhooks/{subscription.pk}", data={"events": ["*"], "active": False},
                           content_type="application/json", **auth)
    rolled = post(client, f"/api/v1/webhooks/{subscription.pk}/roll-secret", {}, auth)

    assert changed.status_code == 200
    assert changed.json()["events"] == ["*"] and changed.json()["active"] is False
    assert changed.json()["disabled_reason"] == "by_hand"
    subscription.refresh_from_db()
    assert rolled.status_code == 200 and rolled.json()["secret"] == subscription.secret != old_secret
    assert client.delete(f"/api/v1/webhooks/{subscription.pk}", **auth).status_code == 204
    assert not Subscription.objects.exists()


def test_the_delivery_log_and_sending_again(alice, client, receiver, django_capture_on_commit_callbacks,
                                            django_assert_max_num_queries):
    auth = headers(alice)
    subscription, _secret = subscribe(alice, receiver.url)
    receiver.answer(500, b"x" * 5000)
    with django_capture_on_commit_callbacks(execute=True):
        contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    for number in range(30):
        contact_actions.create_person(alice.membership, {"last_name": f"P{number}"})  # not sent: stay pending

    with django_assert_max_num_queries(6):
        page = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries?per_page=10", **auth).json()
    first = Delivery.objects.order_by("pk")[0]
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, f"/api/v1/webhooks/deliveries/{first.pk}/redeliver", {}, auth)

    assert len(page["items"]) == 10 and page["has_next"] is True
    assert page["items"][0]["id"] > page["items"][-1]["id"]  # newest first
    logged = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries?per_page=250", **auth).json()["items"]
    failed = next(item for item in logged if item["id"] == first.pk)
    assert failed["status_code"] == 500 and len(failed["response"]) == 1024 and failed["state"] == "pending"
    assert again.status_code == 202 and again.json()["redelivery_of"] == first.pk
    assert Delivery.objects.get(pk=again.json()["id"]).state == DeliveryState.DELIVERED
    assert receiver.requests[-1].json["data"] == receiver.requests[0].json["data"]


def test_sending_again_while_switched_off_is_refused(alice, client, receiver):
    subscription, _secret = subscribe(alice, receiver.url)
    delivery = Delivery.objects.create(account=alice.account, subscription=subscription, event="person.created",
                                       state=DeliveryState.FAILED)
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False)

    response = post(client, f"/api/v1/webhooks/deliveries/{delivery.pk}/redeliver", {}, headers(alice))

    assert response.status_code == 422 and "switched off" in response.json()["detail"][0]["msg"]
    assert Delivery.objects.count() == 1
