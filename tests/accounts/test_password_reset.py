"""Password-reset hygiene: mails limited per address and per client with the same page shown,
the reset offers to revoke the user's API keys and says which, and logs other devices out."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kontor.accounts import actions
from kontor.accounts.models import ApiKey

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a completely new secret"


def ask(client: Client, email: str, address: str = "192.0.2.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def reset_form_url(client: Client) -> str:
    match = re.search(r"https?://\S+(/accounts/password/reset/\S+/)", str(mail.outbox[-1].body))
    assert match
    return client.get(match.group(1))["Location"]


@pytest.fixture
def keys(alice, oscar):
    """Alice's two working keys, one revoked key, and the outsider's key."""
    script, _ = actions.create_api_key(alice.membership, "Nightly export")
    sync, _ = actions.create_api_key(alice.membership, "Calendar sync")
    old, _ = actions.create_api_key(alice.membership, "Old script")
    actions.revoke_api_key(old, by=alice.membership)
    other, _ = actions.create_api_key(oscar.membership, "Outsider key")
    return {"script": script, "sync": sync, "old": old, "other": other}


def test_at_most_three_reset_mails_an_hour_go_to_one_address(client, alice):
    responses = [ask(Client(), "alice@example.com", f"198.51.100.{number}") for number in range(5)]
    assert len(mail.outbox) == 3
    # The limited requests look exactly like the others: nothing tells whether a mail went out.
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, reverse("accounts:password_reset_done"))}


def test_one_client_asking_for_many_addresses_is_limited_too(client, alice, bob, settings):
    settings.PASSWORD_RESET_MAILS_PER_CLIENT = 4
    for number in range(4):
        ask(client, f"nobody{number}@example.com", "203.0.113.7")
    ask(client, "alice@example.com", "203.0.113.7")
    assert mail.outbox == []
    ask(client, "bob@example.com", "203.0.113.8")
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]


def test_the_reset_mail_names_the_keys_that_will_be_revoked(client, alice, keys):
    ask(client, "alice@example.com")
    body = str(mail.outbox[0].body)
    assert "revokes your API keys" in body
    assert "- Nightly export" in body and "- Calendar sync" in body
    assert "Old script" not in body


def test_a_reset_revokes_the_api_keys_by_default_and_says_which(client, alice, keys):
    ask(client, "alice@example.com")
    form_url = reset_form_url(client)
    assert client.get(form_url).context["form"]["revoke_api_keys"].value() is True
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
                                      "revoke_api_keys": "on"}, follow=True)
    assert "Your API keys “Nightly export”, “Calendar sync” are revoked" in response.content.decode()
    assert not ApiKey.objects.filter(user=alice.user, revoked_at__isnull=True).exists()
    assert ApiKey.objects.get(pk=keys["other"].pk).revoked_at is None


def test_unticking_the_box_keeps_the_keys_working(client, alice, keys):
    ask(client, "alice@example.com")
    response = client.post(reset_form_url(client), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                           follow=True)
    assert "are revoked" not in response.content.decode()
    assert ApiKey.objects.filter(user=alice.user, revoked_at__isnull=True).count() == 2


def test_a_revoked_key_no_longer_opens_the_api(client, alice):
    _key, secret = actions.create_api_key(alice.membership, "Nightly export")
    assert client.get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    ask(client, "alice@example.com")
    client.post(reset_form_url(client), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
                                         "revoke_api_keys": "on"})
    assert Client().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_without_keys_the_reset_form_offers_no_box(client, alice):
    ask(client, "alice@example.com")
    assert "revoke_api_keys" not in client.get(reset_form_url(client)).context["form"].fields


def test_a_reset_logs_every_other_device_out(client, alice):
    browser = Client(HTTP_USER_AGENT="Firefox/133.0")
    browser.post(reverse("accounts:login"), {"username": "alice@example.com",
                                             "password": "correct horse battery staple"})
    browser.get(reverse("start"))
    ask(client, "alice@example.com")
    response = client.post(reset_form_url(client), {"new_password1": NEW_PASSWORD,
                                                    "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("start")
    assert browser.get(reverse("accounts:settings")).status_code == 302
    assert client.get(reverse("accounts:settings")).status_code == 200
