"""Logging in with two factors: the password, then a code (or a recovery code); remembered
devices; the code step's throttle; and a team's rule that sends people to the set-up."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.twofactor import actions, second_step
from tests.conftest import PASSWORD
from tests.twofactor.helpers import app_code, switch_on


def _password(client: Client, email: str, next_url: str = "") -> Any:
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def _is_logged_in(client: Client) -> bool:
    return client.get("/people/").status_code == 200


def _wrong(user) -> str:  # noqa: ANN001 - the User model
    return "000000" if app_code(user) != "000000" else "111111"


def test_without_two_factor_login_the_password_alone_logs_in(alice):
    client = Client()
    response = _password(client, "alice@example.com")
    assert response.status_code == 302 and response["Location"] == "/"
    assert _is_logged_in(client)


def test_with_two_factor_login_the_password_leads_to_the_code_step(alice):
    switch_on(alice.user)
    client = Client()
    response = _password(client, "alice@example.com", next_url="/deals/")
    assert (response.status_code, response["Location"]) == (302, "/two-factor/login/")
    assert client.get("/people/").status_code == 302  # not logged in yet
    assert client.get("/two-factor/login/").status_code == 200
    done = client.post("/two-factor/login/", {"code": app_code(alice.user)})
    assert (done.status_code, done["Location"]) == (302, "/deals/")
    assert _is_logged_in(client)
    # The browser is now a known device for the login throttle, as after a login without a code.
    from kontor.accounts.throttle import DEVICE_COOKIE
    assert DEVICE_COOKIE in done.cookies and "kontor_device" not in response.cookies


def test_a_wrong_code_does_not_log_in_and_says_so(alice):
    switch_on(alice.user)
    client = Client()
    _password(client, "alice@example.com")
    response = client.post("/two-factor/login/", {"code": _wrong(alice.user)})
    assert response.status_code == 200 and "This code is not right" in response.content.decode()
    assert not _is_logged_in(client)


def test_a_recovery_code_logs_in_once(alice):
    recovery = switch_on(alice.user)
    first, second = Client(), Client()
    _password(first, "alice@example.com")
    response = first.post("/two-factor/login/", {"code": recovery[0]}, follow=True)
    assert "9 are left" in response.content.decode()
    _password(second, "alice@example.com")
    refused = second.post("/two-factor/login/", {"code": recovery[0]})
    assert refused.status_code == 200 and not _is_logged_in(second)


def test_a_code_cannot_be_used_for_a_second_login(alice):
    switch_on(alice.user)
    code = app_code(alice.user)
    first, second = Client(), Client()
    _password(first, "alice@example.com")
    first.post("/two-factor/login/", {"code": code})
    _password(second, "alice@example.com")
    second.post("/two-factor/login/", {"code": code})
    assert _is_logged_in(first) and not _is_logged_in(second)


def test_five_wrong_codes_pause_the_code_step(alice):
    switch_on(alice.user)
    client = Client()
    _password(client, "alice@example.com")
    for _ in range(5):
        response = client.post("/two-factor/login/", {"code": _wrong(alice.user)})
    assert "please wait 15 minutes" in response.content.decode()
    client.post("/two-factor/login/", {"code": app_code(alice.user)})
    assert not _is_logged_in(client)


@pytest.mark.parametrize("typed", ["", "x" * 5000, "12\x003456", "１２３４５６"])
def test_odd_codes_get_a_clear_error(alice, typed):
    switch_on(alice.user)
    client = Client()
    _password(client, "alice@example.com")
    response = client.post("/two-factor/login/", {"code": typed})
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert not _is_logged_in(client)


def test_the_code_step_without_a_password_first_goes_back_to_the_login(alice):
    switch_on(alice.user)
    client = Client()
    response = client.post("/two-factor/login/", {"code": app_code(alice.user)})
    assert response["Location"] == "/accounts/login/"
    assert not _is_logged_in(client)


def test_the_code_step_expires_after_ten_minutes(alice):
    switch_on(alice.user)
    client = Client()
    _password(client, "alice@example.com")
    session = client.session
    session[second_step.PENDING_KEY]["since"] -= second_step.PENDING_SECONDS + 1
    session.save()
    response = client.post("/two-factor/login/", {"code": app_code(alice.user)})
    assert response["Location"] == "/accounts/login/" and not _is_logged_in(client)


def test_a_remembered_device_skips_the_code_for_30_days(alice):
    switch_on(alice.user)
    client = Client()
    _password(client, "alice@example.com")
    response = client.post("/two-factor/login/", {"code": app_code(alice.user), "remember": "on"})
    cookie = response.cookies[f"kontor_device_{alice.user.pk}"]
    assert cookie["httponly"] and int(cookie["max-age"]) == 30 * 24 * 60 * 60
    client.post("/accounts/logout/")
    again = _password(client, "alice@example.com")
    assert again["Location"] == "/" and _is_logged_in(client)
    other = Client()  # another browser still needs the code
    assert _password(other, "alice@example.com")["Location"] == "/two-factor/login/"


def _remembered_client(alice) -> Client:  # noqa: ANN001
    client = Client()
    _password(client, "alice@example.com")
    client.post("/two-factor/login/", {"code": app_code(alice.user), "remember": "on"})
    client.post("/accounts/logout/")
    return client


def test_a_remembered_device_asks_again_after_a_password_change(alice):
    switch_on(alice.user)
    client = _remembered_client(alice)
    alice.user.set_password(PASSWORD)  # a new hash (new salt), as any password change gives
    alice.user.save()
    assert _password(client, "alice@example.com")["Location"] == "/two-factor/login/"


def test_a_remembered_device_asks_again_after_two_factor_login_is_set_up_anew(alice):
    switch_on(alice.user)
    client = _remembered_client(alice)
    actions.disable_two_factor(alice.user, PASSWORD)
    switch_on(alice.user)
    assert _password(client, "alice@example.com")["Location"] == "/two-factor/login/"


def test_a_device_remembered_more_than_30_days_ago_needs_the_code_again(alice):
    """The server checks the age in the cookie's signature, not only the browser's expiry."""
    switch_on(alice.user)
    two_factor = actions.confirmed_two_factor(alice.user)
    assert two_factor is not None
    name = second_step.device_cookie_name(alice.user)
    signer = signing.get_cookie_signer(salt=name + second_step.DEVICE_COOKIE_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 31 * 24 * 60 * 60)  # type: ignore[method-assign]
    client = Client()
    client.cookies[name] = signer.sign(second_step.device_fingerprint(alice.user, two_factor))
    assert _password(client, "alice@example.com")["Location"] == "/two-factor/login/"
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 29 * 24 * 60 * 60)  # type: ignore[method-assign]
    client.cookies[name] = signer.sign(second_step.device_fingerprint(alice.user, two_factor))
    assert _password(Client(), "alice@example.com")["Location"] == "/two-factor/login/"
    assert _password(client, "alice@example.com")["Location"] == "/"


def test_a_forged_device_cookie_does_not_skip_the_code(alice):
    switch_on(alice.user)
    client = Client()
    client.cookies[f"kontor_device_{alice.user.pk}"] = "0" * 64
    assert _password(client, "alice@example.com")["Location"] == "/two-factor/login/"


def test_a_deactivated_user_cannot_finish_the_code_step(alice, bob):
    switch_on(bob.user)
    client = Client()
    _password(client, "bob@example.com")
    account_actions.deactivate_membership(bob.membership, by=alice.membership)
    bob.user.is_active = False
    bob.user.save()
    response = client.post("/two-factor/login/", {"code": app_code(bob.user)})
    assert response["Location"] == "/accounts/login/"


def test_a_team_that_requires_it_sends_a_colleague_without_it_to_the_set_up(alice, carol):
    switch_on(alice.user)
    actions.set_requirement(alice.membership, True)
    client = Client()
    _password(client, "carol@example.com")
    assert client.get("/people/")["Location"] == "/two-factor/"
    client.post("/two-factor/start/")
    client.post("/two-factor/setup/", {"code": app_code(carol.user)})
    assert _is_logged_in(client)
    client.post("/accounts/logout/")
    assert _password(client, "carol@example.com")["Location"] == "/two-factor/login/"


def test_the_code_step_is_not_a_way_to_check_codes_without_the_password(alice):
    """Another browser's pending step is not this browser's: each session holds its own."""
    switch_on(alice.user)
    attacker = Client()
    now = timezone.now()
    response = attacker.post("/two-factor/login/", {"code": app_code(alice.user, now)})
    assert response.status_code == 302
    assert actions.check_code(alice.user, app_code(alice.user, now), now).accepted  # still unused


def _reset_password(client: Client, email: str) -> Any:
    from django.core import mail

    from tests.accounts.test_login import reset_link

    client.post("/accounts/password/reset/", {"email": email})
    step = client.get(reset_link(mail.outbox[-1]))
    form_url = step["Location"]
    return client.post(form_url, {"new_password1": "a completely new secret",
                                  "new_password2": "a completely new secret"})


def test_a_password_reset_does_not_skip_the_code(alice):
    """Whoever reads the mailbox must still show the second factor."""
    switch_on(alice.user)
    client = Client()
    response = _reset_password(client, "alice@example.com")
    assert response["Location"] == "/two-factor/login/"
    assert not _is_logged_in(client)
    step = client.get("/two-factor/login/").content.decode()
    assert "you are logged in" not in step
    assert "Enter a code from your authenticator app to log in." in step
    alice.user.refresh_from_db()
    assert alice.user.check_password("a completely new secret")
    client.post("/two-factor/login/", {"code": app_code(alice.user)})
    assert _is_logged_in(client)


def test_a_password_reset_still_logs_in_a_user_without_two_factor_login(alice):
    client = Client()
    assert _reset_password(client, "alice@example.com")["Location"] == "/"
    assert _is_logged_in(client)


def test_a_password_reset_sends_a_user_whose_team_requires_it_to_the_set_up(alice, carol):
    switch_on(alice.user)
    actions.set_requirement(alice.membership, True)
    client = Client()
    _reset_password(client, "carol@example.com")
    assert client.get("/people/")["Location"] == "/two-factor/"


def test_a_new_colleague_joining_a_team_that_requires_it_is_sent_to_the_set_up(alice):
    switch_on(alice.user)
    actions.set_requirement(alice.membership, True)
    invitation = account_actions.invite(alice.membership, "erik@example.com", "Erik Engel", "power")
    client = Client()
    client.post(f"/accounts/invitation/{invitation.token}/", {
        "name": "Erik Engel", "password1": PASSWORD, "password2": PASSWORD, "language": "en"})
    assert client.get("/people/")["Location"] == "/two-factor/"


def test_a_colleague_already_logged_in_who_joins_a_team_that_requires_it_is_sent_to_the_set_up(alice, oscar):
    switch_on(alice.user)
    actions.set_requirement(alice.membership, True)
    invitation = account_actions.invite(alice.membership, "oscar@example.org", "Oscar Ort", "member")
    oscar.client.post(f"/accounts/invitation/{invitation.token}/")
    assert oscar.client.get("/people/")["Location"] == "/two-factor/"
