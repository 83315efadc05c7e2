"""The operator's way out: `kontor resettwofactor EMAIL`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kontor.twofactor import actions
from kontor.twofactor.models import EventKind, TwoFactorEvent
from tests.twofactor.helpers import switch_on


def test_the_operator_switches_off_a_users_two_factor_login(alice):
    switch_on(alice.user)
    out = io.StringIO()
    call_command("resettwofactor", "ALICE@example.com", stdout=out)
    assert "alice@example.com" in out.getvalue()
    assert actions.confirmed_two_factor(alice.user) is None
    assert TwoFactorEvent.objects.filter(kind=EventKind.RESET, user=alice.user, actor=None).exists()


def test_an_unknown_address_or_a_user_without_it_is_an_error(alice):
    with pytest.raises(CommandError, match="no user"):
        call_command("resettwofactor", "nobody@example.com")
    with pytest.raises(CommandError, match="does not use"):
        call_command("resettwofactor", "alice@example.com")
