"""The API's rate limits, counted where every web process and machine sees the same count:

- per API key: settings.API_RATE_LIMIT requests per API_RATE_WINDOW_SECONDS (KONTOR_API_RATE_LIMIT,
  600/minute unless set). Another key, even of the same user, has its own count.
- per client address: settings.API_BAD_KEY_LIMIT wrong keys a minute. Past it, every request of
  that client gets 429 until the minute is over, a working key too: a guesser learns nothing.

The count per key lives in Redis when REDIS_URL is set (Redis 7 or newer): one INCR, EXPIRE NX and
PTTL per request in one MULTI/EXEC, so the count and its window are set together and a
request costs no database query. Without REDIS_URL, or while Redis cannot be reached, it lives in the
database (kontor/accounts/counters.py, one upsert). The wrong-key budget always lives in the database:
its check rides along the key's lookup, so a working key pays nothing for it.

Past a limit the answer is 429 with Retry-After (seconds). Every answer to a request that sent a
key carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (Unix time in seconds
when the window ends): of the key, or of the client's wrong-key budget when the key was wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from kontor.accounts import counters
from kontor.accounts.counters import Hit, Limit
from kontor.accounts.models import hash_api_key
from kontor.lib.clients import client_address

REQUEST_ATTRIBUTE = "kontor_rate_limit"
# Before the counter's own key, so that the rate counters are easy to find beside the job queue.
REDIS_PREFIX = "kontor:rate:"
# A Redis that does not answer within this time counts as unreachable: the request is counted in
# the database instead of waiting.
REDIS_TIMEOUT_SECONDS = 0.5

logger = logging.getLogger(__name__)


class RateLimited(Exception):
    """A limit is reached: answered with 429 and Retry-After."""

    def __init__(self, hit: Hit, wrong_keys: bool = False) -> None:
        super().__init__("rate limited")
        self.hit = hit
        self.wrong_keys = wrong_keys


def _key_limit(secret: str) -> Limit:
    return Limit(counters.counter_key("api-key", hash_api_key(secret)), settings.API_RATE_LIMIT,
                 settings.API_RATE_WINDOW_SECONDS)


def _wrong_key_limit(request: HttpRequest) -> Limit:
    return Limit(counters.counter_key("api-wrong-key", client_address(request)), settings.API_BAD_KEY_LIMIT,
                 settings.API_BAD_KEY_WINDOW_SECONDS)


def _remember(request: HttpRequest, hit: Hit) -> Hit:
    setattr(request, REQUEST_ATTRIBUTE, hit)
    return hit


def wrong_key_counter(request: HttpRequest) -> str:
    """The key of the client's wrong-key counter: the key lookup reads its count in the same query,
    so that a working key costs no extra query for the check."""
    return _wrong_key_limit(request).key


def refuse_if_client_sent_too_many_wrong_keys(request: HttpRequest, wrong_keys: int | None) -> None:
    """A client past its wrong-key budget gets 429 for the rest of the minute, even with a working
    key: otherwise a guesser would still learn from the answer which key works."""
    if wrong_keys is not None and wrong_keys >= settings.API_BAD_KEY_LIMIT:
        raise RateLimited(_remember(request, counters.peek(_wrong_key_limit(request))), wrong_keys=True)


def count_wrong_key(request: HttpRequest) -> None:
    """A key that opened nothing: counted against the client; once the budget is used up, 429
    instead of 401 (and nothing more is counted, so the minute ends when it ends)."""
    [hit] = counters.hit(_wrong_key_limit(request))
    _remember(request, hit)
    if not hit.allowed:
        raise RateLimited(hit, wrong_keys=True)


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """One connection pool per Redis address and process (the counts themselves live in Redis)."""
    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def count_in_redis(limit: Limit, url: str) -> Hit:
    """Counts one event in Redis, atomically: INCR, then EXPIRE NX (the window starts with the first
    event and is never prolonged), then PTTL for how long it lasts, in one transaction. Unlike the
    database's counter, an event past the limit is counted too; the window ends when it ends all
    the same. The time left is relative, so a Redis server whose clock differs does not matter."""
    key = REDIS_PREFIX + limit.key
    now = timezone.now()
    with redis_client(url).pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, limit.window, nx=True)
        pipe.pttl(key)
        count, _expiry_set, left_ms = pipe.execute()
    resets_at = now + dt.timedelta(milliseconds=max(left_ms, 0))
    return Hit(allowed=count <= limit.limit, count=count, limit=limit.limit, resets_at=resets_at)


def _count(limit: Limit) -> Hit:
    """The event counted in Redis when REDIS_URL is set and Redis answers, else in the database."""
    url = settings.REDIS_URL
    if url:
        try:
            return count_in_redis(limit, url)
        except redis.RedisError:
            logger.warning("Redis did not answer: the API rate limit is counted in the database", exc_info=True)
    [hit] = counters.hit(limit)
    return hit


def count_request(request: HttpRequest, secret: str) -> None:
    """A request with a working key: counted against the key; past the limit, 429."""
    hit = _count(_key_limit(secret))
    _remember(request, hit)
    if not hit.allowed:
        raise RateLimited(hit)


def add_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    hit: Hit | None = getattr(request, REQUEST_ATTRIBUTE, None)
    if hit is not None:
        response["X-RateLimit-Limit"] = str(hit.limit)
        response["X-RateLimit-Remaining"] = str(hit.remaining)
        response["X-RateLimit-Reset"] = str(int(hit.resets_at.timestamp()))
    return response


def _answer(api: NinjaAPI, request: HttpRequest, error: RateLimited) -> HttpResponse:
    seconds = error.hit.seconds_left(timezone.now())
    if error.wrong_keys:
        detail = _("Too many wrong API keys from your address. Please wait %(seconds)d seconds.")
    else:
        detail = _("Too many requests with this API key. Please wait %(seconds)d seconds.")
    response = api.create_response(request, {"detail": detail % {"seconds": seconds}}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def install(api: NinjaAPI) -> None:
    """Answers RateLimited with 429 and Retry-After."""

    def handler(request: HttpRequest, error: RateLimited | type[RateLimited]) -> HttpResponse:
        assert isinstance(error, RateLimited)
        return _answer(api, request, error)

    api.add_exception_handler(RateLimited, handler)


class RateLimitHeadersMiddleware:
    """Puts the X-RateLimit-* headers on every API answer that counted against a limit, whatever
    produced the answer (a route, a schema error, an exception handler)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return add_headers(request, self.get_response(request))
