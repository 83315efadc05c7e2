"""API keys: who may call the API, and as whom."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.accounts.models import ApiKey, User
from kontor.contacts import actions as contact_actions

from .conftest import PREFIX


def _key(persona) -> str:
    return account_actions.create_api_key(persona.membership, "script")[1]


def test_a_request_without_a_key_gets_401_with_a_json_message(client):
    response = client.get(f"{PREFIX}/people")
    assert response.status_code == 401
    assert "API key" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_key_gets_401(alice, client):
    _key(alice)
    for headers in ({"Authorization": "Bearer kontor_wrong"}, {"X-apikey": "kontor_wrong"},
                    {"Authorization": "Basic a29udG9yOndyb25n"}, {"Authorization": "Bearer "}):
        assert client.get(f"{PREFIX}/people", headers=headers).status_code == 401


def test_the_key_works_as_a_bearer_token(alice, client):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    response = client.get(f"{PREFIX}/people", headers={"Authorization": f"Bearer {_key(alice)}"})
    assert response.status_code == 200
    assert [p["last_name"] for p in response.json()["items"]] == ["Müller"]


def test_the_key_works_in_the_x_apikey_header_as_centralstation_scripts_send_it(alice, client):
    contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    response = client.get(f"{PREFIX}/people", headers={"X-apikey": _key(alice)})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_a_revoked_key_gets_401(alice, client):
    key, secret = account_actions.create_api_key(alice.membership, "old script")
    account_actions.revoke_api_key(key, alice.membership)
    assert client.get(f"{PREFIX}/users/me", headers={"X-apikey": secret}).status_code == 401


def test_the_key_of_a_deactivated_colleague_gets_401(alice, bob, client):
    secret = _key(bob)
    account_actions.deactivate_membership(bob.membership, alice.membership)
    # Even a key that somehow escaped the revocation stops working with the membership.
    ApiKey.objects.filter(user=bob.user).update(revoked_at=None)
    assert client.get(f"{PREFIX}/users/me", headers={"X-apikey": secret}).status_code == 401


def test_the_key_of_a_deactivated_user_gets_401(alice, bob, client):
    secret = _key(bob)
    User.objects.filter(pk=bob.user.pk).update(is_active=False)
    assert client.get(f"{PREFIX}/users/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_key_acts_only_in_the_account_it_was_made_in(alice, oscar):
    # Oscar also joins Alice's team; his key from his own account still sees only his account.
    account_actions.add_user(alice.account, oscar.user.email, None, "Oscar", "member")
    contact_actions.create_person(alice.membership, {"last_name": "Alices Kundin"})
    contact_actions.create_person(oscar.membership, {"last_name": "Oscars Kunde"})
    response = Client().get(f"{PREFIX}/people", headers={"X-apikey": _key(oscar)})
    assert [p["last_name"] for p in response.json()["items"]] == ["Oscars Kunde"]


def test_users_me_describes_the_keys_user(api, bob):
    response = api(bob).get("/users/me")
    assert response.status_code == 200
    assert response.json().items() >= {
        "id": bob.user.pk, "name": "Bob Berger", "email": "bob@example.com", "role": "power",
        "language": "en", "time_zone": "Europe/Berlin",
        "account": {"id": bob.account.pk, "name": "Müller & Söhne GmbH"},
    }.items()


def test_users_lists_the_active_colleagues_only(api, alice, bob, carol, oscar):
    account_actions.deactivate_membership(carol.membership, alice.membership)
    response = api(alice).get("/users")
    assert [(u["name"], u["role"]) for u in response.json()["items"]] == [("Alice Adler", "owner"),
                                                                           ("Bob Berger", "power")]


def test_the_index_links_every_resource(api, alice):
    response = api(alice).get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["docs_url"] == "/api/v1/docs"
    assert body["resources"]["people"] == "/api/v1/people"
    assert set(body["resources"]) >= {"people", "companies", "notes", "tags", "users"}


def test_the_index_also_needs_a_key(client):
    assert client.get(f"{PREFIX}/").status_code == 401


def test_a_keys_use_is_noted_once_a_minute(alice, client):
    key, secret = account_actions.create_api_key(alice.membership, "script")
    headers = {"X-apikey": secret}
    client.get(f"{PREFIX}/users/me", headers=headers)
    key.refresh_from_db()
    assert key.last_used_at is not None
    first_use = key.last_used_at
    client.get(f"{PREFIX}/users/me", headers=headers)
    key.refresh_from_db()
    assert key.last_used_at == first_use
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=2))
    client.get(f"{PREFIX}/users/me", headers=headers)
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_at > first_use
