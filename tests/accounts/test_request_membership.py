"""Every logged-in request reads its user together with the user's active memberships
(auth.EmailBackend.get_user) and picks the account from them (middleware.current_membership)."""

from django.urls import reverse

from kontor.accounts import actions
from kontor.accounts.middleware import SESSION_ACCOUNT_KEY
from kontor.accounts.models import Membership, Role

BELL = reverse("notifications:bell")


def test_a_page_reads_the_session_then_the_user_with_their_memberships(alice, django_assert_num_queries):
    alice.client.get(BELL)
    with django_assert_num_queries(3) as captured:
        alice.client.get(reverse("accounts:api_keys"))
    sqls = [query["sql"] for query in captured.captured_queries]
    assert "django_session" in sqls[0]
    assert "accounts_membership" in sqls[1] and "accounts_user" in sqls[1] and "accounts_account" in sqls[1]
    assert "accounts_apikey" in sqls[2]  # what the page itself shows


def test_the_chosen_account_is_shown_and_the_oldest_one_otherwise(alice, oscar):
    actions.add_user(oscar.account, "alice@example.com", None, "", Role.MEMBER)
    assert alice.client.get(BELL).wsgi_request.membership.account == alice.account
    session = alice.client.session
    session[SESSION_ACCOUNT_KEY] = oscar.account.pk
    session.save()
    assert alice.client.get(BELL).wsgi_request.membership.account == oscar.account
    # Left the chosen account: back to the oldest one still open to them.
    Membership.objects.filter(account=oscar.account, user=alice.user).update(is_active=False)
    assert alice.client.get(BELL).wsgi_request.membership.account == alice.account


def test_a_user_no_team_has_any_more_is_read_alone_and_logged_out_with_a_message(alice):
    Membership.objects.filter(user=alice.user).update(is_active=False)
    response = alice.client.get(reverse("start"), follow=True)
    assert "Your access to Kontor has been deactivated." in response.content.decode()
    assert "_auth_user_id" not in alice.client.session


def test_a_deactivated_user_is_logged_out(alice):
    type(alice.user).objects.filter(pk=alice.user.pk).update(is_active=False)
    request = alice.client.get(reverse("start")).wsgi_request
    assert not request.user.is_authenticated
