import datetime as dt
import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kontor.accounts.models import LoginFailure
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


@pytest.fixture
def strict_throttle(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60


def log_in(client: Client, email: str, password: str, address: str = "192.0.2.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def reset_link(message: EmailMessage) -> str:
    """The path of the password-reset link in the mail."""
    match = re.search(r"https?://\S+(/accounts/password/reset/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_is_a_narrow_card_without_the_top_bar(client, alice):
    response = client.get(LOGIN)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="page-narrow"' in content
    assert 'class="topbar"' not in content


def test_login_with_email_in_any_case_and_password_works(client, alice):
    response = log_in(client, "ALICE@example.com", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    assert is_logged_in(client)


def test_login_follows_next_to_the_page_asked_for(client, alice):
    response = client.post(LOGIN + "?next=/accounts/settings/", {"username": "alice@example.com",
                                                                 "password": PASSWORD,
                                                                 "next": "/accounts/settings/"})
    assert response["Location"] == "/accounts/settings/"


def test_login_with_a_wrong_password_is_refused_and_counted(client, alice):
    response = log_in(client, "alice@example.com", "wrong password")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert not is_logged_in(client)
    assert LoginFailure.objects.filter(email="alice@example.com", client_address="192.0.2.1").count() == 1


def test_login_with_a_malformed_email_is_refused_next_to_the_field(client, alice):
    response = log_in(client, "alice", PASSWORD)
    assert "username" in response.context["form"].errors
    assert not is_logged_in(client)


def test_too_many_failures_for_one_email_lock_it_even_with_the_right_password(client, alice, strict_throttle):
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        log_in(client, "alice@example.com", "wrong password", address)
    response = log_in(client, "alice@example.com", PASSWORD, "198.51.100.9")
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert "please wait 15 minutes" in response.content.decode()
    # Attempts while locked are not counted, so the lock ends at a predictable time.
    assert LoginFailure.objects.count() == 3


def test_too_many_failures_from_one_address_lock_that_address_for_every_email(client, alice, bob,
                                                                               strict_throttle):
    for email in ("x@example.com", "y@example.com", "z@example.com"):
        log_in(client, email, "guess", "203.0.113.7")
    response = log_in(client, "bob@example.com", PASSWORD, "203.0.113.7")
    assert not is_logged_in(client)
    assert "Too many failed logins" in response.content.decode()
    assert log_in(Client(), "bob@example.com", PASSWORD, "203.0.113.8").status_code == 302


def test_the_lock_says_how_many_minutes_are_left_and_ends_after_the_window(client, alice, strict_throttle):
    for _ in range(3):
        log_in(client, "alice@example.com", "wrong password")
    LoginFailure.objects.update(created_at=timezone.now() - dt.timedelta(minutes=13, seconds=30))
    assert "please wait 2 minutes" in log_in(client, "alice@example.com", PASSWORD).content.decode()
    LoginFailure.objects.update(created_at=timezone.now() - dt.timedelta(minutes=16))
    assert log_in(client, "alice@example.com", PASSWORD).status_code == 302


def test_a_successful_login_clears_that_emails_failures(client, alice, strict_throttle):
    log_in(client, "alice@example.com", "wrong password")
    log_in(client, "alice@example.com", "wrong again")
    log_in(client, "someone@example.com", "guess", "198.51.100.1")
    assert log_in(client, "alice@example.com", PASSWORD).status_code == 302
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["someone@example.com"]


def test_failures_older_than_the_window_are_deleted_on_the_next_failure(client, alice, strict_throttle):
    log_in(client, "alice@example.com", "wrong password")
    LoginFailure.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    log_in(client, "bob@example.com", "wrong password")
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["bob@example.com"]


def test_a_deactivated_colleague_cannot_log_in(client, alice, carol):
    carol.membership.is_active = False
    carol.membership.save()
    response = client.post(LOGIN, {"username": "carol@example.com", "password": PASSWORD})
    assert "Your access to Kontor has been deactivated" in response.content.decode()
    assert not is_logged_in(client)


def test_logout_needs_a_post_and_ends_the_session(alice):
    assert alice.client.get(reverse("accounts:logout")).status_code == 405
    response = alice.client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not is_logged_in(alice.client)


def test_password_reset_mail_contains_a_link_that_sets_a_new_password(client, alice):
    response = client.post(reverse("accounts:password_reset"), {"email": "Alice@Example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Your new Kontor password"
    link = reset_link(message)

    response = client.get(link)  # Django moves the token out of the URL into the session
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.context["validlink"]
    new_password = "a completely new secret"
    response = client.post(response.wsgi_request.path, {"new_password1": new_password,
                                                        "new_password2": new_password})
    assert response["Location"] == reverse("start")
    alice.user.refresh_from_db()
    assert alice.user.check_password(new_password)
    assert is_logged_in(client)
    assert client.get(link).status_code == 200  # used once, the link no longer works
    assert not client.get(link).context["validlink"]


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, alice):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_clears_login_failures(client, alice, strict_throttle):
    for _ in range(3):
        log_in(client, "alice@example.com", "wrong password")
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    link = reset_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    new_password = "a completely new secret"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert not LoginFailure.objects.filter(email="alice@example.com").exists()


def test_password_change_needs_the_old_password(alice):
    url = reverse("accounts:password_change")
    response = alice.client.post(url, {"old_password": "wrong", "new_password1": "new secret words",
                                       "new_password2": "new secret words"})
    assert "old_password" in response.context["form"].errors
    alice.user.refresh_from_db()
    assert alice.user.check_password(PASSWORD)

    response = alice.client.post(url, {"old_password": PASSWORD, "new_password1": "new secret words",
                                       "new_password2": "new secret words"})
    assert response["Location"] == reverse("accounts:settings")
    alice.user.refresh_from_db()
    assert alice.user.check_password("new secret words")
    assert alice.client.get(reverse("accounts:settings")).status_code == 200  # still logged in here
