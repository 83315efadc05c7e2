"""/api/v1/members and /api/v1/invitations: the team page's actions for owners and administrators."""

from __future__ import annotations

import pytest
from django.core import mail

from kontor.accounts import actions as account_actions
from kontor.accounts.models import ApiKey, Invitation, Membership
from kontor.contacts import actions as contact_actions
from kontor.records.models import Record


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_only_owners_and_admins_manage_the_team(api, request, alice, dave, persona):
    client = api(request.getfixturevalue(persona))
    invitation = account_actions.invite(alice.membership, "neu@example.com", "Neu", "member")
    checks = [client.get("/members"), client.get("/invitations"),
              client.post("/invitations", {"email": "x@example.com", "name": "X"}),
              client.patch(f"/members/{dave.membership.pk}", {"role": "member"}),
              client.post(f"/members/{dave.membership.pk}/deactivate"),
              client.post(f"/invitations/{invitation.pk}/resend"), client.delete(f"/invitations/{invitation.pk}")]
    assert [response.status_code for response in checks] == [403] * len(checks)
    dave.membership.refresh_from_db()
    assert (dave.membership.role, dave.membership.is_active) == ("admin", True)
    assert Invitation.objects.get(pk=invitation.pk).is_open
    assert not Invitation.objects.filter(email="x@example.com").exists()


def test_list_the_team_with_deactivated_members_last(api, alice, bob, carol, dave, django_assert_max_num_queries):
    account_actions.deactivate_membership(bob.membership, by=alice.membership)
    client = api(dave)
    with django_assert_max_num_queries(6):
        items = client.get("/members").json()["items"]
    assert [(item["name"], item["role"], item["is_active"]) for item in items] == [
        ("Alice Adler", "owner", True), ("Carol Clausen", "member", True), ("Dave Dietrich", "admin", True),
        ("Bob Berger", "power", False)]
    assert items[1]["user_id"] == carol.user.pk and items[1]["id"] == carol.membership.pk
    assert client.get(f"/members/{carol.membership.pk}").json() == items[1]


def test_change_a_role(api, alice, carol):
    response = api(alice).patch(f"/members/{carol.membership.pk}", {"role": "power"})
    assert response.status_code == 200
    assert response.json()["role"] == "power"
    assert Membership.objects.get(pk=carol.membership.pk).role == "power"


def test_a_role_change_is_refused_as_on_the_page(api, alice, dave, carol):
    own = api(dave).patch(f"/members/{dave.membership.pk}", {"role": "member"})
    assert own.status_code == 422
    assert own.json()["detail"][0]["loc"] == ["body", "role"]
    assert api(dave).patch(f"/members/{alice.membership.pk}", {"role": "admin"}).status_code == 422
    assert api(alice).patch(f"/members/{carol.membership.pk}", {"role": "owner"}).status_code == 422
    unchanged = api(alice).patch(f"/members/{carol.membership.pk}", {})
    assert (unchanged.status_code, unchanged.json()["role"]) == (200, "member")
    assert api(alice).patch(f"/members/{carol.membership.pk}", {"role": "boss"}).status_code == 422
    assert Membership.objects.get(pk=dave.membership.pk).role == "admin"
    assert Membership.objects.get(pk=carol.membership.pk).role == "member"


def test_deactivate_hands_records_over_and_locks_out_the_keys(api, alice, bob, carol):
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"}, responsible=carol.user)
    carols_key = api(carol)
    response = api(alice).post(f"/members/{carol.membership.pk}/deactivate", {"hand_records_to": bob.user.pk})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert Record.objects.get(pk=person.pk).responsible == bob.user
    assert not ApiKey.objects.filter(user=carol.user, revoked_at__isnull=True).exists()
    assert carols_key.get("/users/me").status_code == 401
    again = api(alice).post(f"/members/{carol.membership.pk}/reactivate")
    assert again.json()["is_active"] is True


def test_deactivation_is_refused_for_the_owner_oneself_and_a_stranger_as_heir(api, alice, dave, carol, oscar):
    client = api(dave)
    assert client.post(f"/members/{alice.membership.pk}/deactivate").status_code == 422
    assert client.post(f"/members/{dave.membership.pk}/deactivate").status_code == 422
    stranger = client.post(f"/members/{carol.membership.pk}/deactivate", {"hand_records_to": oscar.user.pk})
    assert stranger.status_code == 422
    assert stranger.json()["detail"][0]["loc"] == ["body", "hand_records_to"]
    herself = client.post(f"/members/{carol.membership.pk}/deactivate", {"hand_records_to": carol.user.pk})
    assert herself.status_code == 422
    assert Membership.objects.filter(account=alice.account, is_active=True).count() == 3


def test_invite_resend_and_withdraw(api, dave):
    client = api(dave)
    response = client.post("/invitations", {"email": "Neu@Example.com", "name": "Nora Neu", "role": "power"})
    assert response.status_code == 201
    invitation = response.json()
    assert (invitation["email"], invitation["role"], invitation["mail_sent"], invitation["url"]) == (
        "neu@example.com", "power", True, None)
    assert mail.outbox[-1].to == ["neu@example.com"]
    assert [item["id"] for item in client.get("/invitations").json()["items"]] == [invitation["id"]]
    resent = client.post(f"/invitations/{invitation['id']}/resend")
    assert resent.status_code == 200 and len(mail.outbox) == 2
    assert client.delete(f"/invitations/{invitation['id']}").status_code == 204
    assert client.get("/invitations").json()["items"] == []
    assert client.post(f"/invitations/{invitation['id']}/resend").status_code == 422


def test_an_invitation_needs_a_valid_address_a_name_and_a_role(api, alice, carol):
    client = api(alice)
    assert client.post("/invitations", {"email": "no address", "name": "X"}).status_code == 422
    assert client.post("/invitations", {"email": "x@example.com", "name": " "}).status_code == 422
    assert client.post("/invitations", {"email": "x@example.com", "name": "X", "role": "owner"}).status_code == 422
    taken = client.post("/invitations", {"email": carol.user.email, "name": "Carol"})
    assert taken.status_code == 422
    assert taken.json()["detail"][0]["loc"] == ["body", "email"]
    assert not Invitation.objects.exists()


def test_the_outsider_cannot_touch_another_team(api, alice, carol, oscar):
    invitation = account_actions.invite(alice.membership, "neu@example.com", "Neu", "member")
    client = api(oscar)
    assert all(item["name"] == "Oscar Ort" for item in client.get("/members").json()["items"])
    assert client.get("/invitations").json()["items"] == []
    assert client.patch(f"/members/{carol.membership.pk}", {"role": "power"}).status_code == 404
    assert client.post(f"/members/{carol.membership.pk}/deactivate").status_code == 404
    assert client.delete(f"/invitations/{invitation.pk}").status_code == 404
    assert Membership.objects.get(pk=carol.membership.pk).role == "member"
    assert Invitation.objects.get(pk=invitation.pk).is_open


def test_the_owner_hands_over_ownership(api, alice, dave):
    assert api(dave).post(f"/members/{alice.membership.pk}/ownership").status_code == 403
    response = api(alice).post(f"/members/{dave.membership.pk}/ownership")
    assert response.status_code == 200
    assert response.json()["role"] == "owner"
    assert Membership.objects.get(pk=alice.membership.pk).role == "admin"
