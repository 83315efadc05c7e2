"""The actions of two-factor login: set-up, codes at login (throttled, never twice), recovery
codes, switching off, an administrator's reset and the owner's rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kontor.twofactor import actions, codes, sealing
from kontor.twofactor.models import EventKind, RecoveryCode, TwoFactor, TwoFactorEvent, TwoFactorRule
from tests.conftest import PASSWORD
from tests.twofactor.helpers import app_code, switch_on


def test_setting_up_needs_a_valid_code_from_the_app(alice):
    actions.start_setup(alice.user)
    with pytest.raises(ValidationError, match="This code does not match") as refused:
        actions.confirm_setup(alice.user, "000000" if app_code(alice.user) != "000000" else "111111")
    assert "code" in refused.value.message_dict
    assert actions.confirmed_two_factor(alice.user) is None

    recovery = actions.confirm_setup(alice.user, app_code(alice.user))
    assert actions.confirmed_two_factor(alice.user) is not None
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert TwoFactorEvent.objects.filter(account=alice.account, kind=EventKind.ENABLED, user=alice.user).exists()


def test_the_key_is_not_stored_in_plain_text(alice):
    two_factor = actions.start_setup(alice.user)
    stored = TwoFactor.objects.filter(pk=two_factor.pk).values_list("sealed_secret", flat=True).get()
    assert two_factor.secret not in stored and len(two_factor.secret) == 32
    assert sealing.unseal(stored) == two_factor.secret


def test_a_sealed_key_that_was_altered_or_sealed_under_another_secret_key_is_refused(settings):
    sealed = sealing.seal("JBSWY3DPEHPK3PXP")
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(sealing.SealBroken, match=r"^$"):  # the type says it all; no one reads a text
        sealing.unseal(tampered)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert sealing.unseal(sealed) == "JBSWY3DPEHPK3PXP"  # the old key is still listed as a fallback
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(sealing.SealBroken, match=r"^$"):
        sealing.unseal(sealed)


def test_setting_up_twice_is_refused_while_it_is_on(alice):
    switch_on(alice.user)
    with pytest.raises(ValidationError, match="Two-factor login is already on"):
        actions.start_setup(alice.user)


def test_recovery_codes_are_stored_as_digests_only(alice):
    recovery = switch_on(alice.user)
    stored = list(RecoveryCode.objects.filter(user=alice.user).values_list("digest", flat=True))
    assert len(stored) == 10
    plain = {codes.normalize(code) for code in recovery}
    assert not plain & set(stored)


def test_a_code_from_the_app_is_accepted_once(alice):
    switch_on(alice.user)
    now = timezone.now()
    code = app_code(alice.user, now)
    assert actions.check_code(alice.user, code, now).accepted
    assert not actions.check_code(alice.user, code, now + dt.timedelta(seconds=5)).accepted


def test_codes_of_one_step_either_side_count_but_not_further(alice):
    switch_on(alice.user)
    now = timezone.now()
    assert actions.check_code(alice.user, app_code(alice.user, now + dt.timedelta(seconds=30)), now).accepted
    assert not actions.check_code(alice.user, app_code(alice.user, now + dt.timedelta(seconds=90)), now).accepted


def test_an_older_code_is_refused_after_a_newer_one_was_used(alice):
    switch_on(alice.user)
    now = timezone.now()
    older = app_code(alice.user, now - dt.timedelta(seconds=30))
    assert actions.check_code(alice.user, app_code(alice.user, now), now).accepted
    assert not actions.check_code(alice.user, older, now).accepted


def test_a_recovery_code_works_once_with_or_without_dash_and_capitals(alice):
    recovery = switch_on(alice.user)
    first = actions.check_code(alice.user, recovery[0].upper())
    assert first.accepted and first.recovery_codes_left == 9
    assert not actions.check_code(alice.user, recovery[0]).accepted
    assert actions.check_code(alice.user, recovery[1].replace("-", "")).accepted


def test_five_wrong_codes_pause_the_step_even_for_the_right_code(alice):
    recovery = switch_on(alice.user)
    now = timezone.now()
    right = app_code(alice.user, now)
    wrong = "123456" if right != "123456" else "654321"
    results = [actions.check_code(alice.user, wrong, now) for _ in range(5)]
    assert [r.locked_minutes for r in results[:4]] == [0, 0, 0, 0]
    assert results[4].locked_minutes == 15
    assert not actions.check_code(alice.user, right, now).accepted
    assert not actions.check_code(alice.user, recovery[0], now).accepted
    assert RecoveryCode.objects.filter(user=alice.user, used_at__isnull=True).count() == 10  # nothing used up
    later = now + dt.timedelta(minutes=16)
    assert actions.check_code(alice.user, app_code(alice.user, later), later).accepted


def test_each_further_lockout_in_a_row_pauses_twice_as_long(alice):
    switch_on(alice.user)
    now = timezone.now()
    for _ in range(5):
        actions.check_code(alice.user, "000000" if app_code(alice.user, now) != "000000" else "111111", now)
    later = now + dt.timedelta(minutes=16)
    wrong = "000000" if app_code(alice.user, later) != "000000" else "111111"
    results = [actions.check_code(alice.user, wrong, later) for _ in range(5)]
    assert results[-1].locked_minutes == 30
    assert TwoFactorEvent.objects.filter(kind=EventKind.LOCKED, user=alice.user).count() == 2


def test_wrong_codes_spread_over_more_than_the_window_do_not_add_up(alice):
    switch_on(alice.user)
    start = timezone.now()
    for minutes in range(0, 100, 20):  # five failures, 20 minutes apart
        moment = start + dt.timedelta(minutes=minutes)
        wrong = "000000" if app_code(alice.user, moment) != "000000" else "111111"
        assert actions.check_code(alice.user, wrong, moment).locked_minutes == 0


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abc", "\x00" * 6, "9" * 5000, "äöüäöü"])
def test_odd_input_is_refused_without_counting_as_a_guess(alice, typed):
    switch_on(alice.user)
    result = actions.check_code(alice.user, typed)
    assert result.malformed and not result.accepted
    assert TwoFactor.objects.get(user=alice.user).failures == 0


def test_renewing_recovery_codes_voids_the_old_ones(alice):
    old = switch_on(alice.user)
    new = actions.renew_recovery_codes(alice.user)
    assert not actions.check_code(alice.user, old[0]).accepted
    assert actions.check_code(alice.user, new[0]).accepted


def test_switching_off_needs_the_password(alice):
    switch_on(alice.user)
    with pytest.raises(ValidationError, match="This is not your current password") as refused:
        actions.disable_two_factor(alice.user, "wrong password")
    assert "password" in refused.value.message_dict
    assert actions.confirmed_two_factor(alice.user) is not None
    actions.disable_two_factor(alice.user, PASSWORD)
    assert actions.confirmed_two_factor(alice.user) is None
    assert not RecoveryCode.objects.filter(user=alice.user).exists()


def test_switching_off_is_refused_while_the_team_requires_it(alice, bob):
    switch_on(alice.user)
    switch_on(bob.user)
    actions.set_requirement(alice.membership, True)
    with pytest.raises(ValidationError, match="Your team requires two-factor login, so it cannot be switched off"):
        actions.disable_two_factor(bob.user, PASSWORD)
    assert actions.confirmed_two_factor(bob.user) is not None


def test_an_administrator_resets_a_colleagues_two_factor_login_and_the_colleague_is_told(
        alice, bob, dave, django_capture_on_commit_callbacks):
    switch_on(bob.user)
    with django_capture_on_commit_callbacks(execute=True):
        actions.reset_two_factor(bob.membership, by=dave.membership)
    assert not TwoFactor.objects.filter(user=bob.user).exists()
    assert not RecoveryCode.objects.filter(user=bob.user).exists()
    event = TwoFactorEvent.objects.get(kind=EventKind.RESET)
    assert (event.actor, event.user, event.account) == (dave.user, bob.user, alice.account)
    assert [message.to for message in mail.outbox] == [["bob@example.com"]]
    assert "Dave Dietrich" in mail.outbox[0].body


def test_a_member_cannot_reset_a_colleagues_two_factor_login(alice, bob, carol):
    switch_on(bob.user)
    with pytest.raises(PermissionDenied, match="Only the owner and administrators can reset two-factor login"):
        actions.reset_two_factor(bob.membership, by=carol.membership)
    assert actions.confirmed_two_factor(bob.user) is not None


def test_an_administrator_cannot_reset_the_owners_two_factor_login(alice, dave):
    switch_on(alice.user)
    with pytest.raises(PermissionDenied, match="You cannot reset this person's two-factor login"):
        actions.reset_two_factor(alice.membership, by=dave.membership)
    assert actions.confirmed_two_factor(alice.user) is not None


def test_resetting_someone_without_two_factor_login_says_so(alice, bob):
    with pytest.raises(ValidationError, match="Bob Berger does not use two-factor login"):
        actions.reset_two_factor(bob.membership, by=alice.membership)


def test_the_owner_must_use_two_factor_login_before_requiring_it(alice):
    with pytest.raises(ValidationError, match="Please set up two-factor login for yourself first"):
        actions.set_requirement(alice.membership, True)
    assert not TwoFactorRule.objects.exists()


def test_only_the_owner_requires_two_factor_login(alice, dave):
    switch_on(dave.user)
    with pytest.raises(PermissionDenied, match="Only the owner can require two-factor login"):
        actions.set_requirement(dave.membership, True)
    assert not TwoFactorRule.objects.exists()


def test_requiring_it_logs_out_colleagues_without_it_and_nobody_else(alice, bob, carol, oscar):
    switch_on(alice.user)
    switch_on(bob.user)
    for persona in (alice, bob, carol, oscar):
        persona.client.get("/")
    assert Session.objects.count() == 4
    signed_out = actions.set_requirement(alice.membership, True)
    assert signed_out == 1
    assert carol.client.get("/").status_code == 302  # back to the login
    for persona in (alice, bob, oscar):
        assert persona.client.get("/").status_code == 200
    assert actions.is_required_for(carol.user) and not actions.is_required_for(oscar.user)
    actions.set_requirement(alice.membership, False)
    assert not actions.is_required_for(carol.user)
    kinds = list(TwoFactorEvent.objects.filter(account=alice.account).values_list("kind", flat=True))
    assert EventKind.REQUIRED in kinds and EventKind.NOT_REQUIRED in kinds


def test_a_code_typed_with_full_width_digits_or_spaces_counts(alice):
    switch_on(alice.user)
    now = timezone.now()
    code = app_code(alice.user, now)
    full_width = code[:3].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " " + code[3:]
    assert actions.check_code(alice.user, full_width, now).accepted
