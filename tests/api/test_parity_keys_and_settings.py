"""/api/v1/keys (the user's own API keys) and /api/v1/settings/notifications."""

from __future__ import annotations

from kontor.accounts import actions as account_actions
from kontor.accounts.models import ApiKey
from kontor.notifications import actions as notification_actions
from kontor.notifications.models import MailPreference
from tests.api.conftest import ApiClient


def test_create_a_key_and_use_its_secret_once_shown(api, carol):
    response = api(carol).post("/keys", {"name": "Nightly export"})
    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "Nightly export" and created["secret"].startswith(created["prefix"])
    new_client = ApiClient({"Authorization": f"Bearer {created['secret']}"})
    assert new_client.get("/users/me").json()["name"] == "Carol Clausen"
    listed = new_client.get("/keys").json()["items"]
    assert created["id"] in [item["id"] for item in listed]
    assert all("secret" not in item for item in listed)


def test_a_key_needs_a_name(api, carol):
    client = api(carol)
    before = ApiKey.objects.count()
    for body in ({}, {"name": "  "}, {"name": "x" * 101}):
        response = client.post("/keys", body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][:2] == ["body", "name"]
    assert ApiKey.objects.count() == before


def test_revoke_a_key_locks_it_out(api, carol):
    client = api(carol)
    key, secret = account_actions.create_api_key(carol.membership, "old script")
    assert client.delete(f"/keys/{key.pk}").status_code == 204
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert ApiKey.objects.filter(user=carol.user, revoked_at__isnull=True).count() == 1
    assert ApiClient({"Authorization": f"Bearer {secret}"}).get("/users/me").status_code == 401
    assert [item["name"] for item in client.get("/keys").json()["items"]] == ["tests"]
    assert client.delete(f"/keys/{key.pk}").status_code == 404


def test_keys_are_ones_own(api, alice, carol, oscar, django_assert_max_num_queries):
    carols_key, _secret = account_actions.create_api_key(carol.membership, "Carol's")
    alices = api(alice)
    with django_assert_max_num_queries(6):
        names = [item["name"] for item in alices.get("/keys").json()["items"]]
    assert names == ["tests"]
    # Even the owner revokes a colleague's key on the team page, not here; an outsider never.
    assert alices.delete(f"/keys/{carols_key.pk}").status_code == 404
    assert api(oscar).delete(f"/keys/{carols_key.pk}").status_code == 404
    assert ApiKey.objects.get(pk=carols_key.pk).revoked_at is None


def test_notification_mails_are_on_until_switched_off(api, carol):
    settings = api(carol).get("/settings/notifications").json()["email"]
    assert settings["weekly"] is True and settings["comment"] is True
    assert set(settings) == set(notification_actions.mail_preferences(carol.user))


def test_switch_off_the_weekly_summary_and_comment_mails(api, carol):
    client = api(carol)
    response = client.patch("/settings/notifications", {"email": {"weekly": False, "comment": False}})
    assert response.status_code == 200
    assert response.json()["email"]["weekly"] is False and response.json()["email"]["mention"] is True
    assert notification_actions.mail_preferences(carol.user)["weekly"] is False
    assert client.get("/settings/notifications").json() == response.json()


def test_an_unknown_kind_of_mail_is_refused(api, carol):
    client = api(carol)
    assert client.patch("/settings/notifications", {"email": {"spam": False}}).status_code == 422
    assert client.patch("/settings/notifications", {"email": {"weekly": "maybe"}}).status_code == 422
    assert not MailPreference.objects.filter(user=carol.user).exists()


def test_settings_are_the_users_own(api, alice, carol):
    api(carol).patch("/settings/notifications", {"email": {"entry": False}})
    assert notification_actions.mail_preferences(alice.user)["entry"] is True
