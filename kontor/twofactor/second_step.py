"""The login's second step, between a correct password and a logged-in session.

The login view calls begin_second_step(request, user, redirect_to) where it would log the user in:

- a user with two-factor login, on a device not remembered, is not logged in yet: the session
  notes who passed the password (for ten minutes) and the browser goes to the code step;
- a user without it is logged in as before; if one of their teams requires it, the session is
  marked so that SetupRequiredMiddleware sends them to the set-up until it is done.

"Remember this device" is a signed cookie per user holding a fingerprint of the user's password
hash and TOTP key: changing the password, or switching two-factor login off, resetting or setting
it up again, makes every remembered device ask for a code again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from kontor.accounts import throttle
from kontor.accounts.models import User
from kontor.twofactor import actions
from kontor.twofactor.models import TwoFactor

PENDING_KEY = "twofactor_pending"
SETUP_REQUIRED_KEY = "twofactor_setup_required"
PENDING_SECONDS = 10 * 60
REMEMBER_DAYS = 30
DEVICE_COOKIE_SALT = "kontor.twofactor.device"


def device_cookie_name(user: User) -> str:
    return f"kontor_device_{user.pk}"


def device_fingerprint(user: User, two_factor: TwoFactor) -> str:
    material = f"{user.pk}:{user.password}:{two_factor.sealed_secret}:{two_factor.confirmed_at}"
    return salted_hmac(DEVICE_COOKIE_SALT, material, algorithm="sha256").hexdigest()


def is_remembered(request: HttpRequest, user: User, two_factor: TwoFactor) -> bool:
    value: str | None = request.get_signed_cookie(device_cookie_name(user), default=None, salt=DEVICE_COOKIE_SALT,
                                      max_age=dt.timedelta(days=REMEMBER_DAYS))
    return value is not None and constant_time_compare(value, device_fingerprint(user, two_factor))


def remember_device(response: HttpResponse, user: User, two_factor: TwoFactor) -> None:
    response.set_signed_cookie(device_cookie_name(user), device_fingerprint(user, two_factor),
                               salt=DEVICE_COOKIE_SALT, max_age=REMEMBER_DAYS * 24 * 60 * 60,
                               secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")


def begin_second_step(request: HttpRequest, user: User, redirect_to: str) -> HttpResponse | None:
    """Where the login would log `user` in: a redirect to the code step, or None to log in now."""
    request.session.pop(PENDING_KEY, None)
    request.session.pop(SETUP_REQUIRED_KEY, None)
    two_factor = actions.confirmed_two_factor(user)
    if two_factor is None:
        if actions.is_required_for(user):
            request.session[SETUP_REQUIRED_KEY] = True
        return None
    if is_remembered(request, user, two_factor):
        return None
    request.session[PENDING_KEY] = {
        "user": user.pk, "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "hash": user.get_session_auth_hash(), "since": timezone.now().timestamp(), "next": redirect_to}
    return redirect("twofactor:login")


def pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password in this browser within the last ten minutes, as long as
    the password has not changed since and the user is still active."""
    pending: dict[str, Any] | None = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or timezone.now().timestamp() - pending.get("since", 0) > PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending.get("hash", "")):
        return None
    return user


def finish_login(request: HttpRequest, user: User, remember: bool) -> HttpResponseRedirect:
    """Logs the user in after an accepted code and takes them where the login was going."""
    pending = request.session.pop(PENDING_KEY)
    login(request, user, backend=pending["backend"])
    response = HttpResponseRedirect(pending.get("next") or reverse(settings.LOGIN_REDIRECT_URL))
    two_factor = actions.confirmed_two_factor(user)
    if remember and two_factor is not None:
        remember_device(response, user, two_factor)
    # As after a login without a second step: this browser gets a login throttle counter of its own.
    throttle.remember_device(response, user.email)
    return response


def require_setup_if_needed(request: HttpRequest, user: User) -> None:
    """For a user who joins a team (or is logged in) without passing the login page: if a team of
    theirs requires two-factor login and they have none, they are sent to the set-up."""
    if actions.confirmed_two_factor(user) is None and actions.is_required_for(user):
        request.session[SETUP_REQUIRED_KEY] = True
