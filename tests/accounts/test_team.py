import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from kontor.accounts import actions
from kontor.accounts.models import ApiKey, Invitation, Membership
from kontor.accounts.roles import Role
from kontor.contacts import actions as contact_actions

TEAM = reverse("accounts:team")


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # noqa: ANN001, ANN201 - Django's backend interface
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def invite(persona, email="erik@example.com", name="Erik Engel", role=Role.MEMBER):
    return persona.client.post(TEAM, {"name": name, "email": email, "role": role})


def test_team_page_lists_members_with_role_and_status(alice, bob, carol, dave, django_assert_max_num_queries):
    actions.deactivate_membership(carol.membership, alice.membership)
    actions.invite(alice.membership, "erik@example.com", "Erik Engel", Role.MEMBER)
    with django_assert_max_num_queries(10):
        response = alice.client.get(TEAM)
    content = response.content.decode()
    assert response.status_code == 200
    for text in ("Alice Adler", "Bob Berger", "Carol Clausen", "Dave Dietrich", "Power user",
                 "erik@example.com", "Reactivate"):
        assert text in content


def test_an_admin_invites_a_colleague_and_the_mail_carries_the_link(dave):
    response = invite(dave, email="Erik@Example.com", role=Role.POWER)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.role, invitation.invited_by) == (
        "erik@example.com", "Erik Engel", Role.POWER, dave.user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erik@example.com"]
    assert message.subject == "Dave Dietrich invites you to Müller & Söhne GmbH on Kontor"
    assert f"/accounts/invitation/{invitation.token}/" in message.body


def test_inviting_someone_already_in_the_team_is_refused(alice, bob):
    response = invite(alice, email="bob@example.com")
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_with_a_malformed_email_or_as_owner_is_refused(alice):
    response = invite(alice, email="erik(at)example", role=Role.OWNER)
    assert set(response.context["form"].errors) == {"email", "role"}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_power_users_and_members_cannot_manage_the_team(persona, request, alice):
    colleague = request.getfixturevalue(persona)
    other = actions.add_user(alice.account, "frank@example.com", "a long password", "Frank", Role.MEMBER)
    invitation = actions.invite(alice.membership, "erik@example.com", "Erik", Role.MEMBER)
    mail.outbox.clear()
    response = colleague.client.get(TEAM)
    assert response.status_code == 403
    assert "Only the owner and administrators can manage the team" in response.content.decode()
    assert invite(colleague, email="gina@example.com").status_code == 403
    urls = [reverse("accounts:resend_invitation", args=[invitation.pk]),
            reverse("accounts:withdraw_invitation", args=[invitation.pk]),
            reverse("accounts:deactivate_member", args=[other.pk])]
    for url in urls:
        assert colleague.client.post(url).status_code == 403
    assert colleague.client.post(reverse("accounts:change_role", args=[other.pk]),
                                 {"role": Role.ADMIN}).status_code == 403
    other.refresh_from_db()
    invitation.refresh_from_db()
    assert (other.role, other.is_active) == (Role.MEMBER, True)
    assert invitation.is_open
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_resending_renews_an_expired_invitation_and_mails_it_again(alice):
    invitation = actions.invite(alice.membership, "erik@example.com", "Erik", Role.MEMBER)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - dt.timedelta(days=15))
    invitation.refresh_from_db()
    assert invitation.is_expired
    response = alice.client.post(reverse("accounts:resend_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert not invitation.is_expired
    assert len(mail.outbox) == 2


def test_withdrawing_an_invitation_closes_its_link(alice, client):
    invitation = actions.invite(alice.membership, "erik@example.com", "Erik", Role.MEMBER)
    alice.client.post(reverse("accounts:withdraw_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    response = client.get(reverse("accounts:invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    again = alice.client.post(reverse("accounts:withdraw_invitation", args=[invitation.pk]))
    assert again["Location"] == TEAM


def test_when_the_mail_server_fails_the_invitation_is_kept_and_the_link_shown(alice, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_team.FailingBackend"
    response = invite(alice)
    invitation = Invitation.objects.get()
    page = alice.client.get(response["Location"]).content.decode()
    assert "could not be sent" in page
    assert f"/accounts/invitation/{invitation.token}/" in page


def test_an_admin_changes_a_colleagues_role(dave, carol):
    url = reverse("accounts:change_role", args=[carol.membership.pk])
    response = dave.client.post(url, {"role": Role.POWER})
    assert response.status_code == 302
    carol.membership.refresh_from_db()
    assert carol.membership.role == Role.POWER


def test_changing_a_role_with_htmx_returns_the_members_row(alice, carol):
    url = reverse("accounts:change_role", args=[carol.membership.pk])
    response = alice.client.post(url, {"role": Role.ADMIN}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert f'id="member-{carol.membership.pk}"' in content
    assert "<html" not in content
    carol.membership.refresh_from_db()
    assert carol.membership.role == Role.ADMIN


def test_the_owners_role_and_ones_own_role_cannot_be_changed_here(alice, dave):
    url = reverse("accounts:change_role", args=[alice.membership.pk])
    response = dave.client.post(url, {"role": Role.MEMBER}, HTTP_HX_REQUEST="true")
    assert "Ownership is handed over" in response.content.decode()
    dave.client.post(reverse("accounts:change_role", args=[dave.membership.pk]), {"role": Role.MEMBER})
    alice.membership.refresh_from_db()
    dave.membership.refresh_from_db()
    assert (alice.membership.role, dave.membership.role) == (Role.OWNER, Role.ADMIN)


def test_an_unknown_role_is_refused(alice, carol):
    alice.client.post(reverse("accounts:change_role", args=[carol.membership.pk]), {"role": "king"})
    carol.membership.refresh_from_db()
    assert carol.membership.role == Role.MEMBER


def test_deactivating_a_colleague_hands_their_records_to_another(alice, bob, carol):
    mine = contact_actions.create_person(carol.membership, {"last_name": "Kunde"}, responsible=carol.user)
    other = contact_actions.create_person(alice.membership, {"last_name": "Andere"}, responsible=alice.user)
    _key, secret = actions.create_api_key(carol.membership, "carol's script")
    url = reverse("accounts:deactivate_member", args=[carol.membership.pk])
    page = alice.client.get(url)
    assert "1 record has them as responsible person" in page.content.decode()

    response = alice.client.post(url, {"hand_records_to": bob.user.pk})
    assert response.status_code == 302
    carol.membership.refresh_from_db()
    assert not carol.membership.is_active
    mine.record.refresh_from_db()
    other.record.refresh_from_db()
    assert (mine.record.responsible, other.record.responsible) == (bob.user, alice.user)
    assert actions.membership_for_api_key(secret) is None
    assert carol.client.get(reverse("accounts:settings")).status_code == 302  # logged out on the next page


def test_deactivating_without_a_hand_over_keeps_the_records(alice, carol):
    person = contact_actions.create_person(carol.membership, {"last_name": "Kunde"}, responsible=carol.user)
    url = reverse("accounts:deactivate_member", args=[carol.membership.pk])
    alice.client.post(url, {"hand_records_to": ""})
    person.record.refresh_from_db()
    carol.membership.refresh_from_db()
    assert not carol.membership.is_active
    assert person.record.responsible == carol.user


def test_the_owner_cannot_be_deactivated(dave, alice):
    response = dave.client.post(reverse("accounts:deactivate_member", args=[alice.membership.pk]))
    assert "hand over ownership first" in response.content.decode()
    alice.membership.refresh_from_db()
    assert alice.membership.is_active


def test_records_cannot_be_handed_to_someone_outside_the_team(alice, carol, oscar):
    response = alice.client.post(reverse("accounts:deactivate_member", args=[carol.membership.pk]),
                                 {"hand_records_to": oscar.user.pk})
    assert response.status_code == 200
    assert "hand_records_to" in response.context["form"].errors
    carol.membership.refresh_from_db()
    assert carol.membership.is_active


def test_a_deactivated_colleague_can_be_reactivated(alice, carol):
    actions.deactivate_membership(carol.membership, alice.membership)
    alice.client.post(reverse("accounts:reactivate_member", args=[carol.membership.pk]))
    carol.membership.refresh_from_db()
    assert carol.membership.is_active
    assert carol.client.get(reverse("accounts:settings")).status_code == 200


def test_the_owner_hands_over_ownership_after_confirming(alice, dave):
    url = reverse("accounts:hand_over_ownership", args=[dave.membership.pk])
    page = alice.client.get(url)
    assert "Dave Dietrich becomes the owner" in page.content.decode()
    alice.membership.refresh_from_db()
    assert alice.membership.role == Role.OWNER  # nothing happens before the confirmation
    response = alice.client.post(url)
    assert response.status_code == 302
    roles = dict(Membership.objects.filter(account=alice.account).values_list("user__email", "role"))
    assert roles["dave@example.com"] == Role.OWNER
    assert roles["alice@example.com"] == Role.ADMIN


def test_only_the_owner_can_hand_over_ownership(alice, dave, bob):
    response = dave.client.post(reverse("accounts:hand_over_ownership", args=[bob.membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.get(role=Role.OWNER, account=alice.account) == alice.membership


def test_outsiders_cannot_touch_another_accounts_team(alice, carol, oscar):
    for name in ("deactivate_member", "reactivate_member", "hand_over_ownership"):
        assert oscar.client.post(reverse(f"accounts:{name}", args=[carol.membership.pk])).status_code == 404
    carol.membership.refresh_from_db()
    assert carol.membership.is_active
    assert ApiKey.objects.count() == 0
