import datetime as dt
import re

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kontor.accounts.jobs import purge_expired_counters
from kontor.accounts.models import RateCounter
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


@pytest.fixture
def strict_throttle(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_CLIENT_MAX_FAILURES = 6
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60


def log_in(client: Client, email: str, password: str, address: str = "192.0.2.1", **headers):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address, **headers)


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
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 1]  # the pair, the client


def test_failures_of_one_email_from_one_address_lock_that_pair_even_with_the_right_password(
        client, alice, strict_throttle):
    for _ in range(3):
        log_in(client, "alice@example.com", "wrong password", "203.0.113.7")
    response = log_in(client, "alice@example.com", PASSWORD, "203.0.113.7")
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert "please wait 15 minutes" in response.content.decode()


def test_a_strangers_failures_elsewhere_never_lock_the_user_out(client, alice, strict_throttle):
    for address in ("203.0.113.7", "203.0.113.8", "203.0.113.9"):
        for _ in range(5):
            log_in(Client(), "alice@example.com", "guess", address)
    assert log_in(client, "alice@example.com", PASSWORD, "192.0.2.1").status_code == 302


def test_the_users_own_browser_gets_in_while_a_stranger_behind_the_same_address_is_locked(
        client, alice, strict_throttle):
    # No trusted proxy configured: everyone behind the company's proxy has one address.
    assert log_in(client, "alice@example.com", PASSWORD, "10.0.0.1").status_code == 302
    client.post(reverse("accounts:logout"))
    attacker = Client()
    for number in range(10):
        log_in(attacker, "alice@example.com", f"guess {number}", "10.0.0.1")
        log_in(attacker, f"user{number}@example.com", "guess", "10.0.0.1")
    assert "Too many failed logins" in log_in(attacker, "alice@example.com", PASSWORD, "10.0.0.1").content.decode()
    assert log_in(client, "alice@example.com", PASSWORD, "10.0.0.1").status_code == 302  # a known device


def test_a_known_device_cookie_works_only_for_its_own_email(client, alice, bob, strict_throttle):
    log_in(client, "alice@example.com", PASSWORD, "10.0.0.1")
    client.post(reverse("accounts:logout"))
    for _ in range(3):
        log_in(Client(), "bob@example.com", "guess", "10.0.0.1")
    assert "Too many failed logins" in log_in(client, "bob@example.com", PASSWORD, "10.0.0.1").content.decode()


def test_one_address_trying_many_emails_meets_the_client_ceiling(client, alice, bob, strict_throttle):
    for number in range(6):
        log_in(client, f"user{number}@example.com", "guess", "203.0.113.7")
    response = log_in(client, "bob@example.com", PASSWORD, "203.0.113.7")
    assert not is_logged_in(client)
    assert "Too many failed logins" in response.content.decode()
    assert log_in(Client(), "bob@example.com", PASSWORD, "203.0.113.8").status_code == 302


def test_behind_a_trusted_proxy_each_client_has_its_own_counter(client, alice, strict_throttle, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(3):
        log_in(Client(), "alice@example.com", "guess", "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert log_in(client, "alice@example.com", PASSWORD, "10.0.0.1",
                  HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_a_spoofed_forwarded_header_does_not_escape_the_lock(client, alice, strict_throttle, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for number in range(3):  # the attacker is no proxy: its header is ignored, its address counts
        log_in(Client(), "alice@example.com", "guess", "203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = log_in(client, "alice@example.com", "guess", "203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert "Too many failed logins" in response.content.decode()
    # Through the proxy, a made-up hop on the left is ignored too: the proxy's right-hand entry counts.
    response = log_in(client, "alice@example.com", "guess", "10.0.0.1",
                      HTTP_X_FORWARDED_FOR="198.51.100.77, 203.0.113.66")
    assert "Too many failed logins" in response.content.decode()


def test_attempts_while_locked_are_not_counted(client, alice, strict_throttle):
    for _ in range(8):
        log_in(client, "alice@example.com", "wrong password")
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [3, 3]


def test_the_lock_says_how_many_minutes_are_left_and_ends_after_the_window(client, alice, strict_throttle):
    for _ in range(3):
        log_in(client, "alice@example.com", "wrong password")
    RateCounter.objects.update(resets_at=timezone.now() + dt.timedelta(minutes=1, seconds=30))
    assert "please wait 2 minutes" in log_in(client, "alice@example.com", PASSWORD).content.decode()
    RateCounter.objects.update(resets_at=timezone.now() - dt.timedelta(seconds=1))
    assert log_in(client, "alice@example.com", PASSWORD).status_code == 302


def test_a_successful_login_forgives_the_pairs_typos(client, alice, strict_throttle):
    log_in(client, "alice@example.com", "wrong password")
    log_in(client, "alice@example.com", "wrong again")
    assert log_in(client, "alice@example.com", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        log_in(Client(), "alice@example.com", "wrong password")
    assert log_in(Client(), "alice@example.com", PASSWORD).status_code == 302


def test_expired_counters_are_purged_by_the_job(client, alice):
    log_in(client, "alice@example.com", "wrong password")
    RateCounter.objects.update(resets_at=timezone.now() - dt.timedelta(seconds=1))
    log_in(client, "bob@example.com", "wrong password", "198.51.100.4")
    assert purge_expired_counters.call_local() == 2
    assert RateCounter.objects.count() == 2


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
