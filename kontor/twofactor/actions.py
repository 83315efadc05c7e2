"""Every write of two-factor login: setting it up, checking a code at login (throttled, no
replay), recovery codes, switching it off, an administrator's reset, and the owner's rule that
everyone uses it. Each runs in one transaction; mails go out after the commit."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership, User
from kontor.accounts.roles import Role
from kontor.accounts.session_store import sessions_in_database
from kontor.records.access import require
from kontor.twofactor import codes, mails, sealing
from kontor.twofactor.models import EventKind, RecoveryCode, TwoFactor, TwoFactorEvent, TwoFactorRule

# Wrong codes at the login's second step: this many within the window pause the step. The pause
# doubles with each further lockout in a row (15 minutes, 30, 60, ... at most a day), so that
# guessing a 6-digit code stays hopeless even for someone who knows the password.
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
FIRST_LOCK = dt.timedelta(minutes=15)
LONGEST_LOCK = dt.timedelta(days=1)


@dataclass(frozen=True)
class CodeCheck:
    """The answer to a code typed at login."""

    accepted: bool = False
    locked_minutes: int = 0  # > 0: the step is paused (now, or after this very failure)
    malformed: bool = False  # neither 6 digits nor a recovery code: not counted as a guess
    recovery_codes_left: int | None = None  # set when a recovery code was used


def confirmed_two_factor(user: User) -> TwoFactor | None:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()


def is_required_for(user: User) -> bool:
    """Whether any account the user is active in requires two-factor login."""
    accounts = Membership.objects.active().filter(user=user).values("account_id")
    return TwoFactorRule.objects.filter(account_id__in=accounts, required=True).exists()


def _log(kind: str, actor: User | None, accounts: Iterable[Account | int], user: User | None = None) -> None:
    now = timezone.now()
    TwoFactorEvent.objects.bulk_create([
        TwoFactorEvent(account_id=account if isinstance(account, int) else account.pk, kind=kind, actor=actor,
                       user=user, created_at=now) for account in accounts])


def _accounts_of(user: User) -> list[int]:
    return list(Membership.objects.active().filter(user=user).values_list("account_id", flat=True))


def _new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes; the earlier ones stop working."""
    RecoveryCode.objects.filter(user=user).delete()
    fresh = codes.new_recovery_codes()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, digest=codes.recovery_digests(code)[0])
                                      for code in fresh])
    return [codes.shown(code) for code in fresh]


@transaction.atomic
def start_setup(user: User) -> TwoFactor:
    """A new, unconfirmed key for the user's app; an earlier unconfirmed one is replaced."""
    if confirmed_two_factor(user) is not None:
        raise ValidationError(_("Two-factor login is already on. Switch it off first to use another app."))
    TwoFactor.objects.filter(user=user).delete()
    return TwoFactor.objects.create(user=user, sealed_secret=sealing.seal(codes.new_secret()))


def pending_setup(user: User) -> TwoFactor | None:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).first()


@transaction.atomic
def confirm_setup(user: User, typed: str, now: dt.datetime | None = None) -> list[str]:
    """Switches two-factor login on once the app shows a valid code; returns the ten recovery
    codes (shown once, stored only as digests)."""
    now = now or timezone.now()
    two_factor = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if two_factor is None:
        raise ValidationError(_("Please start the set-up again: this set-up is no longer open."))
    step = codes.matching_step(two_factor.secret, codes.normalize(typed), now)
    if step is None:
        raise ValidationError({"code": _(
            "This code does not match. Please type the 6 digits your app shows now; if it keeps failing, "
            "check that the phone's clock is set automatically.")})
    two_factor.confirmed_at, two_factor.last_used_step = now, step
    two_factor.save(update_fields=["confirmed_at", "last_used_step"])
    recovery_codes = _new_recovery_codes(user)
    _log(EventKind.ENABLED, user, _accounts_of(user), user)
    return recovery_codes


@transaction.atomic
def renew_recovery_codes(user: User) -> list[str]:
    if confirmed_two_factor(user) is None:
        raise ValidationError(_("Two-factor login is off, so there are no recovery codes to renew."))
    recovery_codes = _new_recovery_codes(user)
    _log(EventKind.CODES_RENEWED, user, _accounts_of(user), user)
    return recovery_codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def disable_two_factor(user: User, password: str) -> None:
    """Switches the user's own two-factor login off, after they confirm with their password.
    Refused while a team of theirs requires it."""
    if not user.check_password(password or ""):
        raise ValidationError({"password": _("This is not your current password.")})
    if is_required_for(user):
        raise ValidationError(_("Your team requires two-factor login, so it cannot be switched off. "
                                "To move to a new phone, ask an administrator to reset it."))
    if not TwoFactor.objects.filter(user=user).delete()[0]:
        raise ValidationError(_("Two-factor login is already off."))
    RecoveryCode.objects.filter(user=user).delete()
    _log(EventKind.DISABLED, user, _accounts_of(user), user)


def _lock_length(lockouts: int) -> dt.timedelta:
    return min(FIRST_LOCK * (2 ** min(lockouts, 16)), LONGEST_LOCK)


def _minutes_until(moment: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds() / 60))


def _accepts(two_factor: TwoFactor, code: str, now: dt.datetime) -> CodeCheck | None:
    """Accepts a TOTP code of a step newer than the last one used, or an unused recovery code,
    and records the use; None when the code is wrong (or replayed)."""
    if codes.is_recovery_code(code):
        used = RecoveryCode.objects.filter(user_id=two_factor.user_id, digest__in=codes.recovery_digests(code),
                                           used_at__isnull=True).update(used_at=now)
        if used:
            return CodeCheck(accepted=True, recovery_codes_left=recovery_codes_left(two_factor.user))
        return None
    step = codes.matching_step(two_factor.secret, code, now)
    if step is None or step <= two_factor.last_used_step:
        return None
    two_factor.last_used_step = step
    return CodeCheck(accepted=True)


def check_code(user: User, typed: str, now: dt.datetime | None = None) -> CodeCheck:
    """Checks a code at the login's second step.

    1. Lock the user's row, so that two parallel tries are counted one after the other (and a
       code cannot be accepted twice).
    2. While paused, refuse without looking at the code.
    3. Accept a TOTP code of a step newer than the last accepted one, or an unused recovery code
       (which is used up); this forgives earlier failures.
    4. Otherwise count a failure; the MAX_FAILURES-th within FAILURE_WINDOW pauses the step."""
    now = now or timezone.now()
    code = codes.normalize(typed)
    if not (codes.TOTP_PATTERN.fullmatch(code) or codes.is_recovery_code(code)):
        return CodeCheck(malformed=True)
    with transaction.atomic():
        two_factor = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
        if two_factor is None:  # reset or switched off meanwhile: nothing to check against
            return CodeCheck()
        if two_factor.locked_until and two_factor.locked_until > now:
            return CodeCheck(locked_minutes=_minutes_until(two_factor.locked_until, now))
        accepted = _accepts(two_factor, code, now)
        if accepted:
            two_factor.failures, two_factor.failures_since, two_factor.lockouts = 0, None, 0
            two_factor.save(update_fields=["last_used_step", "failures", "failures_since", "lockouts"])
            return accepted
        if two_factor.failures_since is None or two_factor.failures_since <= now - FAILURE_WINDOW:
            two_factor.failures, two_factor.failures_since = 0, now
        two_factor.failures += 1
        locked_minutes = 0
        if two_factor.failures >= MAX_FAILURES:
            two_factor.locked_until = now + _lock_length(two_factor.lockouts)
            two_factor.lockouts += 1
            two_factor.failures, two_factor.failures_since = 0, None
            locked_minutes = _minutes_until(two_factor.locked_until, now)
            _log(EventKind.LOCKED, None, _accounts_of(user), user)
        two_factor.save(update_fields=["failures", "failures_since", "locked_until", "lockouts"])
        return CodeCheck(locked_minutes=locked_minutes)


def may_reset(by: Membership, member: Membership) -> bool:
    """Owners reset anyone's two-factor login but their own; administrators anyone's but the
    owner's and their own (their own they switch off in their settings)."""
    if member.pk == by.pk or not roles.can_manage_team(by.role):
        return False
    return by.role == Role.OWNER or member.role != Role.OWNER


@transaction.atomic
def reset_two_factor(member: Membership, by: Membership) -> None:
    """An administrator switches a colleague's two-factor login off (a lost phone, say): the
    colleague logs in with the password alone, or, where the team requires it, sets it up
    again at the next login. Their remembered devices no longer count. Logged for the team and
    mailed to the colleague."""
    require(by, roles.can_manage_team, _("Only the owner and administrators can reset two-factor login."))
    if not may_reset(by, member):
        raise PermissionDenied(_("You cannot reset this person's two-factor login."))
    if not TwoFactor.objects.filter(user=member.user, confirmed_at__isnull=False).exists():
        raise ValidationError(_("%(name)s does not use two-factor login.") % {"name": member.user.name})
    TwoFactor.objects.filter(user=member.user).delete()
    RecoveryCode.objects.filter(user=member.user).delete()
    _log(EventKind.RESET, by.user, [by.account], member.user)
    transaction.on_commit(lambda: mails.send_reset_notice(member, by))


@transaction.atomic
def set_requirement(by: Membership, required: bool) -> int:
    """The owner requires two-factor login for everyone in the account (or no longer does).
    Colleagues without it are logged out, so that their next login takes them to the set-up.
    Returns how many colleagues that concerns."""
    require(by, lambda role: role == Role.OWNER, _("Only the owner can require two-factor login."))
    if required and confirmed_two_factor(by.user) is None:
        raise ValidationError(_("Please set up two-factor login for yourself first."))
    rule = TwoFactorRule.objects.filter(account=by.account).first()
    if rule is not None and rule.required == required:
        return 0
    TwoFactorRule.objects.update_or_create(account=by.account, defaults={
        "required": required, "changed_by": by.user, "changed_at": timezone.now()})
    _log(EventKind.REQUIRED if required else EventKind.NOT_REQUIRED, by.user, [by.account])
    if not required:
        return 0
    without = set(Membership.objects.active().filter(account=by.account)
                  .exclude(user__two_factor__confirmed_at__isnull=False).values_list("user_id", flat=True))
    end_sessions(without)
    return len(without)


def end_sessions(user_ids: set[int]) -> None:
    """Logs these users out everywhere. Sessions live in the database (Django's database engine,
    which Kontor's session store extends); the walk decodes the unexpired ones, which is fine for a
    switch flipped rarely."""
    if not user_ids or not sessions_in_database():
        return
    wanted = {str(user_id) for user_id in user_ids}
    ended = [session.session_key for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if session.get_decoded().get("_auth_user_id") in wanted]
    Session.objects.filter(session_key__in=ended).delete()


@transaction.atomic
def reset_by_operator(user: User) -> bool:
    """The operator's way out when nobody in the team can reset someone (the owner's phone lost,
    no recovery code left): `kontor resettwofactor EMAIL`. Logged in each of the user's teams."""
    if not TwoFactor.objects.filter(user=user).delete()[0]:
        return False
    RecoveryCode.objects.filter(user=user).delete()
    _log(EventKind.RESET, None, _accounts_of(user), user)
    return True
