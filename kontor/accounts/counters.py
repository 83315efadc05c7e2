"""Atomic counters with a limit per time window, shared by every web process: the login throttle,
the password-reset mail limit and the API rate limit count with them.

A counter is one RateCounter row per key. Counting is a single conditional upsert

    INSERT … count = 1  ON CONFLICT (key) DO UPDATE
    SET count = 1 (window over) or count + 1  WHERE window over OR count < limit  RETURNING …

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

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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


def _as_datetime(value: dt.datetime | str) -> dt.datetime:
    """A datetime read by raw SQL: PostgreSQL gives it aware, SQLite as the UTC text Django stored."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        assert parsed is not None, value
        return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _count(limit: Limit, now: dt.datetime) -> Hit:
    """One statement (an upsert with RETURNING, on SQLite >= 3.35 and PostgreSQL): creates the
    counter, restarts it when its window is over, or adds one while below the limit. At the
    limit the statement changes nothing and returns nothing, and the state is read instead."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    new_end = now + dt.timedelta(seconds=limit.window)
    sql = (f'INSERT INTO {table} ("key", "count", "resets_at") VALUES (%s, 1, %s) '
           f'ON CONFLICT ("key") DO UPDATE SET '
           f'"count" = CASE WHEN {table}."resets_at" <= %s THEN 1 ELSE {table}."count" + 1 END, '
           f'"resets_at" = CASE WHEN {table}."resets_at" <= %s THEN excluded."resets_at" '
           f'ELSE {table}."resets_at" END '
           f'WHERE {table}."resets_at" <= %s OR {table}."count" < %s '
           f'RETURNING "count", "resets_at"')
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(sql, [limit.key, adapt(new_end), adapt(now), adapt(now), adapt(now), limit.limit])
            row = cursor.fetchone()
        if row is not None:
            return Hit(allowed=True, count=row[0], limit=limit.limit, resets_at=_as_datetime(row[1]))
        state = RateCounter.objects.filter(key=limit.key).values_list("count", "resets_at").first()
        if state is not None:
            return Hit(allowed=False, count=state[0], limit=limit.limit, resets_at=state[1])
        # purged between the two statements: count again
    raise RuntimeError(f"could not count {limit.key}")  # pragma: no cover


def hit(*limits: Limit, now: dt.datetime | None = None) -> list[Hit]:
    """Counts one event under every key, all or nothing: if any key is at its limit, none is
    counted, and the refused Hit says when its window ends. Several keys are counted in one
    transaction, so that parallel requests cannot pass the check together and count afterwards;
    one key needs none (a single statement), which keeps an API request at one query more."""
    now = now or timezone.now()
    if len(limits) == 1:
        return [_count(limits[0], now)]
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
