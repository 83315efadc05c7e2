import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kontor.accounts import actions
from kontor.accounts.middleware import SESSION_ACCOUNT_KEY
from kontor.accounts.models import Invitation, Membership, User
from kontor.accounts.roles import Role
from tests.conftest import PASSWORD


@pytest.fixture
def invitation(alice) -> Invitation:
    return actions.invite(alice.membership, "erik@example.com", "Erik Engel", Role.POWER)


def url(invitation: Invitation) -> str:
    return reverse("accounts:invitation", args=[invitation.token])


def test_the_invitation_page_names_the_team_and_asks_for_name_and_password(client, invitation):
    response = client.get(url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Join Müller &amp; Söhne GmbH" in content
    assert response.context["form"]["name"].value() == "Erik Engel"


def test_accepting_creates_the_login_and_membership_and_logs_in(client, invitation):
    data = {"name": "Erik Engel", "password1": PASSWORD, "password2": PASSWORD, "language": "en"}
    response = client.post(url(invitation), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    membership = Membership.objects.select_related("user").get(user__email="erik@example.com")
    assert (membership.account, membership.role) == (invitation.account, Role.POWER)
    assert membership.user.language == "en"
    assert membership.user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == membership.user.pk
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_accepting_with_differing_passwords_creates_nothing(client, invitation):
    response = client.post(url(invitation), {"name": "Erik", "password1": PASSWORD, "password2": "other",
                                             "language": "de"})
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email="erik@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_an_accepted_invitation_cannot_be_used_again(client, invitation):
    data = {"name": "Erik", "password1": PASSWORD, "password2": PASSWORD, "language": "de"}
    client.post(url(invitation), data)
    other = Client()
    hijack = {"password1": "hijacked password", "password2": "hijacked password"}
    response = other.post(url(invitation), {**data, **hijack})
    assert response.status_code == 410
    assert "already been accepted" in response.content.decode()
    assert User.objects.get(email="erik@example.com").check_password(PASSWORD)


def test_an_expired_invitation_shows_a_clear_page_and_creates_nothing(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - dt.timedelta(days=15))
    response = client.post(url(invitation), {"name": "Erik", "password1": PASSWORD, "password2": PASSWORD,
                                             "language": "de"})
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert "Ask Alice Adler to send it again" in response.content.decode()
    assert not User.objects.filter(email="erik@example.com").exists()


def test_an_unknown_invitation_link_is_a_404_with_a_clear_page(client, alice):
    response = client.get(reverse("accounts:invitation", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_someone_who_already_has_a_login_is_asked_to_log_in(client, alice, oscar):
    invitation = actions.invite(alice.membership, "oscar@example.org", "Oscar", Role.MEMBER)
    response = client.get(url(invitation))
    content = response.content.decode()
    assert reverse("accounts:login") + "?next=" + url(invitation) in content
    assert "already have a Kontor login" in content
    client.post(url(invitation))
    assert not Membership.objects.filter(account=alice.account, user=oscar.user).exists()


def test_a_logged_in_user_joins_another_team_with_one_click(alice, oscar):
    invitation = actions.invite(alice.membership, "OSCAR@example.org", "Oscar", Role.MEMBER)
    page = oscar.client.get(url(invitation))
    assert page.context["form"] is None
    response = oscar.client.post(url(invitation))
    assert response.status_code == 302
    membership = Membership.objects.get(account=alice.account, user=oscar.user)
    assert membership.role == Role.MEMBER
    assert oscar.client.session[SESSION_ACCOUNT_KEY] == alice.account.pk
    oscar.user.refresh_from_db()
    assert oscar.user.check_password(PASSWORD)


def test_an_invitation_for_someone_else_is_not_accepted_by_the_logged_in_user(bob, invitation):
    response = bob.client.post(url(invitation), {"name": "Bob", "password1": PASSWORD, "password2": PASSWORD,
                                                 "language": "de"})
    assert response.status_code == 200
    assert "This invitation is for someone else" in response.content.decode()
    assert not User.objects.filter(email="erik@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.is_open
