"""Atomic counters with a limit per time window, shared by every web process: the login throttle,
the password-reset mail limit and the API rate limit count with them.

A counter is one RateCounter row per key. Counting is a single conditional UPDATE

    count = 1 (window over) or count + 1   WHERE key = … AND (window over OR count < limit)

so the check and the count are one step in the database: however many processes count at once,
no more than `limit` events pass per window, and an event refused at the limit is not counted
(the window ends at a predictable time, and hammering on a locked key does not prolong it).
The window starts with the first event and lasts `window` seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from kontor.accounts.models import RateCounter


@dataclass(frozen=True)
class Limit:
    """At most `limit` events under `key` within `window` seconds."""

    key: str
    limit: int
    window: int


@dataclass(frozen=True)
class Hit:
    """The state of one counter after an attempt to count."""

    allowed: bool
    count: int
    limit: int
    resets_at: dt.datetime

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        """Whole seconds (rounded up, at least 1) until the window ends."""
        left = (self.resets_at - (now or timezone.now())).total_seconds()
        return max(1, math.ceil(left))


def counter_key(kind: str, *parts: str) -> str:
    """A short key for a counter: the kind in clear, the parts (e-mail addresses, client
    addresses) hashed, so the table holds no personal data and any length fits."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def _count(limit: Limit, now: dt.datetime) -> Hit:
    over = Q(resets_at__lte=now)
    new_end = now + dt.timedelta(seconds=limit.window)
    counters = RateCounter.objects.filter(key=limit.key)
    for _attempt in range(3):
        updated = counters.filter(over | Q(count__lt=limit.limit)).update(
            count=Case(When(over, then=Value(1)), default=F("count") + 1),
            resets_at=Case(When(over, then=Value(new_end)), default=F("resets_at"),
                           output_field=models.DateTimeField()))
        row = counters.values_list("count", "resets_at").first()
        if row is not None:
            # Read inside the caller's transaction, after our UPDATE: on PostgreSQL the row stays
            # locked by it until commit, on SQLite the whole write transaction is exclusive.
            return Hit(allowed=bool(updated), count=row[0], limit=limit.limit, resets_at=row[1])
        try:
            with transaction.atomic():  # a savepoint: a racing insert of the same key is no failure
                RateCounter.objects.create(key=limit.key, count=1, resets_at=new_end)
        except IntegrityError:
            continue  # another process created it a moment ago: count on its row
        return Hit(allowed=True, count=1, limit=limit.limit, resets_at=new_end)
    raise RuntimeError(f"could not count {limit.key}")  # pragma: no cover - three lost races in a row


def hit(*limits: Limit, now: dt.datetime | None = None) -> list[Hit]:
    """Counts one event under every key, all or nothing: if any key is at its limit, none is
    counted, and the refused Hit says when its window ends. One transaction, so that parallel
    requests cannot pass the check together and count afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        hits = [_count(limit, now) for limit in limits]
        if not all(h.allowed for h in hits):
            transaction.set_rollback(True)
    return hits


def peek(limit: Limit, now: dt.datetime | None = None) -> Hit:
    """The counter's state without counting (allowed: one more event would be counted)."""
    now = now or timezone.now()
    row = RateCounter.objects.filter(key=limit.key, resets_at__gt=now).values_list("count", "resets_at").first()
    if row is None:
        return Hit(allowed=True, count=0, limit=limit.limit, resets_at=now + dt.timedelta(seconds=limit.window))
    return Hit(allowed=row[0] < limit.limit, count=row[0], limit=limit.limit, resets_at=row[1])


def forget(key: str) -> None:
    """Drops a counter (a successful login forgives the typos before it)."""
    RateCounter.objects.filter(key=key).delete()


def uncount(key: str) -> None:
    """Takes one event back (a login attempt that turned out to be right)."""
    RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Deletes counters whose window has ended (they would restart at 1 anyway)."""
    deleted, _ = RateCounter.objects.filter(resets_at__lte=now or timezone.now()).delete()
    return deleted
