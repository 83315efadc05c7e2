import hashlib

from django.urls import reverse

from kontor.accounts import actions
from kontor.accounts.models import ApiKey

API_KEYS = reverse("accounts:api_keys")


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(alice):
    response = alice.client.post(API_KEYS, {"name": "Newsletter sync"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("kontor_")
    assert secret in response.content.decode()
    key = ApiKey.objects.get()
    assert (key.name, key.user, key.account) == ("Newsletter sync", alice.user, alice.account)
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (key.name, key.prefix, key.key_hash)
    assert actions.membership_for_api_key(secret) == alice.membership

    page = alice.client.get(API_KEYS).content.decode()
    assert secret not in page
    assert "Newsletter sync" in page
    assert key.prefix in page


def test_a_key_needs_a_name(alice):
    response = alice.client.post(API_KEYS, {"name": "  "})
    assert "name" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_the_list_shows_only_own_working_keys(alice, bob, django_assert_max_num_queries):
    for name in ("one", "two", "three"):
        actions.create_api_key(alice.membership, name)
    old, _secret = actions.create_api_key(alice.membership, "old")
    actions.revoke_api_key(old, alice.membership)
    actions.create_api_key(bob.membership, "Bob's key")
    with django_assert_max_num_queries(8):
        response = alice.client.get(API_KEYS)
    names = [key.name for key in response.context["keys"]]
    assert sorted(names) == ["one", "three", "two"]


def test_revoking_a_key_locks_it_out(alice):
    key, secret = actions.create_api_key(alice.membership, "script")
    response = alice.client.post(reverse("accounts:revoke_api_key", args=[key.pk]))
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert actions.membership_for_api_key(secret) is None


def test_revoking_with_htmx_returns_the_updated_list(alice):
    key, _secret = actions.create_api_key(alice.membership, "script")
    keep, _secret = actions.create_api_key(alice.membership, "keep me")
    response = alice.client.post(reverse("accounts:revoke_api_key", args=[key.pk]), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'id="api-key-list"' in content
    assert "keep me" in content
    assert "<html" not in content


def test_a_colleagues_key_cannot_be_revoked_here(alice, bob):
    key, secret = actions.create_api_key(bob.membership, "Bob's script")
    response = alice.client.post(reverse("accounts:revoke_api_key", args=[key.pk]))
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
