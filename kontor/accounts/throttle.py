"""Login throttling: at most settings.LOGIN_MAX_FAILURES failed logins per e-mail address and per
client address within settings.LOGIN_FAILURE_WINDOW_SECONDS.

Failures are rows in the database (LoginFailure), not entries in a process-local cache, so that
every web process behind a load balancer counts the same failures. Attempts made while locked are
not counted: the lock then ends at a predictable time, and a stranger hammering on a colleague's
address cannot keep them locked out for longer than one window.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kontor.accounts.models import LoginFailure


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _unlock_at(failures: Q, now: dt.datetime) -> dt.datetime | None:
    """When the count of recent failures drops below the limit again, or None if it already is.

    The count falls below the limit when the LOGIN_MAX_FAILURES-th newest failure leaves the
    window, so that failure's time plus the window is the moment the lock ends."""
    limit = settings.LOGIN_MAX_FAILURES
    newest = (LoginFailure.objects.filter(failures, created_at__gt=_window_start(now))
              .order_by("-created_at").values_list("created_at", flat=True)[limit - 1:limit])
    oldest_counted = next(iter(newest), None)
    if oldest_counted is None:
        return None
    return oldest_counted + dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def locked_minutes(email: str, client_address: str) -> int:
    """Minutes (rounded up) until a login for this e-mail address from this client address may be
    tried again; 0 when it may be tried now."""
    now = timezone.now()
    waits = [_unlock_at(Q(email=normalize_email(email)), now)]
    if client_address:
        waits.append(_unlock_at(Q(client_address=client_address), now))
    latest = max((wait for wait in waits if wait is not None), default=None)
    if latest is None:
        return 0
    return max(1, math.ceil((latest - now).total_seconds() / 60))


def record_failure(email: str, client_address: str) -> None:
    """Counts one failed login and deletes failures that have left the window (cheap: the
    created_at column is indexed, and failures are rare next to page views)."""
    now = timezone.now()
    LoginFailure.objects.filter(created_at__lte=_window_start(now)).delete()
    LoginFailure.objects.create(email=normalize_email(email), client_address=client_address[:64],
                                created_at=now)


def clear_failures(email: str) -> None:
    """A successful login (or password reset) forgives that address's earlier typos."""
    LoginFailure.objects.filter(email=normalize_email(email)).delete()
