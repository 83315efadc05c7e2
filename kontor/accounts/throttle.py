"""Login throttling that slows guessing down without letting a stranger lock anyone out.

Counted per attempt, before the password is checked (counters.py: one atomic step, so parallel
attempts cannot pass the limit together), under these keys:

1. the pair (e-mail address, client): settings.LOGIN_MAX_FAILURES within the window. The client is
   the browser when it carries a signed "known device" cookie for this e-mail address (set at every
   successful login), else the client's address (kontor/lib/clients.py, which believes
   X-Forwarded-For only from KONTOR_TRUSTED_PROXIES).
2. the client address alone, for browsers not known for that address: a much higher ceiling,
   settings.LOGIN_CLIENT_MAX_FAILURES, against one machine trying many addresses.

A successful login takes its attempt back and forgives the pair's earlier typos. An attacker
therefore locks only his own pairs and, at worst, his own address for unknown browsers; the user's
own browser (known device) has a counter of its own and keeps working with the right password.
Attempts made while locked are not counted, so a lock ends at a predictable time.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kontor.accounts import counters
from kontor.accounts.counters import Limit
from kontor.lib.clients import client_address

DEVICE_COOKIE = "kontor_device"
DEVICE_SALT = "kontor.accounts.known-device"
DEVICE_MAX_AGE = 365 * 24 * 60 * 60


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _email_hash(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:16]


def known_device(request: HttpRequest, email: str) -> str:
    """The device id from the request's known-device cookie if it was issued for this e-mail
    address (signed, so it cannot be made up), else ""."""
    try:
        data = signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("e") != _email_hash(email) or not isinstance(data.get("d"), str):
        return ""
    return data["d"]


def remember_device(response: HttpResponse, email: str) -> None:
    """Marks the browser as one this e-mail address logged in from (httponly, a year)."""
    token = signing.dumps({"e": _email_hash(email), "d": secrets.token_hex(12)}, salt=DEVICE_SALT)
    response.set_cookie(DEVICE_COOKIE, token, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


@dataclass
class Attempt:
    """One login attempt that was counted, or refused with the minutes to wait."""

    limits: list[Limit] = field(default_factory=list)
    locked_minutes: int = 0


def _limits(email: str, address: str, device: str) -> list[Limit]:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    email = normalize_email(email)
    if device:
        return [Limit(counters.counter_key("login-device", email, device), settings.LOGIN_MAX_FAILURES, window)]
    return [Limit(counters.counter_key("login-pair", email, address), settings.LOGIN_MAX_FAILURES, window),
            Limit(counters.counter_key("login-client", address), settings.LOGIN_CLIENT_MAX_FAILURES, window)]


def begin_attempt(request: HttpRequest | None, email: str) -> Attempt:
    """Counts a login attempt before its password is checked; a refused one says how long to wait."""
    address = client_address(request)
    device = known_device(request, email) if request is not None else ""
    limits = _limits(email, address, device)
    now = timezone.now()
    hits = counters.hit(*limits, now=now)
    refused = [h for h in hits if not h.allowed]
    if refused:
        seconds = max(h.seconds_left(now) for h in refused)
        return Attempt(locked_minutes=max(1, math.ceil(seconds / 60)))
    return Attempt(limits=limits)


def attempt_succeeded(attempt: Attempt) -> None:
    """The password was right: forgive the pair's (or device's) typos and give the client ceiling
    its attempt back, which was no failure."""
    pair, *others = attempt.limits
    counters.forget(pair.key)
    for limit in others:
        counters.uncount(limit.key)


def forgive(request: HttpRequest, email: str) -> None:
    """After a password reset: the typos of this address from this client are forgiven."""
    for limit in _limits(email, client_address(request), known_device(request, email))[:1]:
        counters.forget(limit.key)
