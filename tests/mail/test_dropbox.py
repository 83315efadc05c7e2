"""The personal dropbox address: made with the membership, shown in the settings, renewed on
request, handed to the API and carried as BCC by every mailto: link."""

from __future__ import annotations

from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.mail import intake
from kontor.mail.dropbox import dropbox_for, renew_dropbox
from kontor.mail.models import Dropbox

from .letters import person


def test_every_new_member_has_a_dropbox_from_the_start(alice, bob):
    assert Dropbox.objects.filter(membership__in=[alice.membership, bob.membership]).count() == 2


def test_a_membership_from_before_dropboxes_gets_one_on_first_use(alice):
    Dropbox.objects.filter(membership=alice.membership).delete()
    alice.membership.refresh_from_db()
    dropbox = dropbox_for(alice.membership)
    assert dropbox.membership == alice.membership
    assert dropbox_for(alice.membership) == dropbox


def test_dropbox_addresses_are_unguessable_and_at_the_mail_domain(alice, bob, settings):
    addresses = {dropbox_for(persona.membership).address for persona in (alice, bob)}
    assert len(addresses) == 2
    for address in addresses:
        local, _at, domain = address.partition("@")
        assert domain == settings.MAIL_DOMAIN
        assert local.startswith("bcc-") and len(local) >= len("bcc-") + 12


def test_the_settings_page_shows_the_address_with_a_copy_button_and_instructions(alice):
    page = alice.client.get(reverse("accounts:settings")).content.decode()
    address = dropbox_for(alice.membership).address
    assert "Your Kontor address" in page
    assert f'value="{address}"' in page
    assert 'data-copy="dropbox-address"' in page
    for client in ("Outlook", "Apple Mail", "Thunderbird", "Gmail"):
        assert client in page
    assert "Cc the message to people or public group" in page
    assert "Bcc these email addresses" in page
    assert reverse("mail:new_dropbox_address") in page


def test_generating_a_new_address_stops_the_old_one_at_once(alice):
    old = dropbox_for(alice.membership).address
    response = alice.client.post(reverse("mail:new_dropbox_address"))
    assert response.status_code == 302
    assert response["Location"].endswith("#dropbox")
    new = Dropbox.objects.get(membership=alice.membership).address
    assert new != old
    assert not intake.accepts(old)
    assert intake.accepts(new)
    assert new in alice.client.get(reverse("accounts:settings")).content.decode()


def test_a_new_address_is_only_made_by_a_post(alice):
    old = dropbox_for(alice.membership).address
    assert alice.client.get(reverse("mail:new_dropbox_address")).status_code == 405
    assert Dropbox.objects.get(membership=alice.membership).address == old


def test_renewing_one_users_address_leaves_the_colleagues_alone(alice, bob):
    bobs = dropbox_for(bob.membership).address
    renew_dropbox(alice.membership)
    assert intake.resolve(bobs) == (bob.membership, None)


def test_the_api_names_the_users_dropbox(alice, client):
    _key, secret = account_actions.create_api_key(alice.membership, "tests")
    response = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["dropbox_email"] == dropbox_for(alice.membership).address


def test_every_mailto_link_carries_the_users_own_dropbox_as_bcc(alice, bob):
    anna = person(alice, "Anna", "Berger", "anna@berger.example")
    for persona in (alice, bob):
        page = persona.client.get(anna.get_absolute_url()).content.decode()
        assert f'href="mailto:anna@berger.example?bcc={dropbox_for(persona.membership).address}"' in page


def test_after_a_renewal_mailto_links_carry_the_new_address(alice):
    anna = person(alice, "Anna", "Berger", "anna@berger.example")
    alice.client.post(reverse("mail:new_dropbox_address"))
    new = Dropbox.objects.get(membership=alice.membership).address
    assert f"?bcc={new}" in alice.client.get(anna.get_absolute_url()).content.decode()
