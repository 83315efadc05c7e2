"""Shared steps of the two-factor tests: switching it on through the real actions, and the code
an authenticator app would show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kontor.accounts.models import User
from kontor.twofactor import actions, codes


def app_code(user: User, moment: dt.datetime | None = None) -> str:
    """What the user's authenticator app shows (for the confirmed or the pending key)."""
    two_factor = user.two_factor
    two_factor.refresh_from_db()
    return codes.code_at(two_factor.secret, moment or timezone.now())


def switch_on(user: User, moment: dt.datetime | None = None) -> list[str]:
    """Sets up two-factor login as a user would; returns the recovery codes. The confirming code
    is that of 30 seconds earlier, so that the code of the current step is still unused."""
    actions.start_setup(user)
    earlier = (moment or timezone.now()) - dt.timedelta(seconds=codes.STEP_SECONDS)
    return actions.confirm_setup(user, app_code(user, earlier), now=earlier)
