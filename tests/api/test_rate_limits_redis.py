"""The API's rate limit counted in Redis when REDIS_URL is set, and in the database while Redis
cannot be reached. The Redis half runs against the real server of REDIS_URL, in its database 15
(CI's PostgreSQL run sets REDIS_URL; elsewhere it is skipped, saying why)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kontor.accounts import actions as account_actions
from kontor.accounts.counters import counter_key
from kontor.accounts.models import RateCounter, hash_api_key
from kontor.api import ratelimit


def key_of(persona) -> str:
    return account_actions.create_api_key(persona.membership, "script")[1]


def get(secret: str, path: str = "/api/v1/people"):
    return Client().get(path, headers={"Authorization": f"Bearer {secret}"})


def redis_key(secret: str) -> str:
    return ratelimit.REDIS_PREFIX + counter_key("api-key", hash_api_key(secret))


@pytest.fixture
def small_limit(settings):
    settings.API_RATE_LIMIT = 5
    settings.API_RATE_WINDOW_SECONDS = 60


@pytest.fixture
def in_redis(settings, small_limit) -> Iterator[redis.Redis]:
    """The counts in database 15 of the Redis server REDIS_URL names, emptied before and after."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: counting in Redis is tested where it is (CI's PostgreSQL run)")
    settings.REDIS_URL = urlunsplit(urlsplit(url)._replace(path="/15"))
    server = ratelimit.redis_client(settings.REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()


def test_with_redis_every_request_is_counted_there_and_not_in_the_database(alice, in_redis):
    secret = key_of(alice)
    before = int(time.time())
    answers = [get(secret)]
    after = int(time.time()) + 1
    answers += [get(secret) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2"]
    resets = [int(a["X-RateLimit-Reset"]) for a in answers]
    assert max(resets) - min(resets) <= 1  # the same window, told to the second
    assert before + 59 <= resets[0] <= after + 60
    assert int(in_redis.get(redis_key(secret))) == 3
    assert 0 < in_redis.ttl(redis_key(secret)) <= 60
    assert not RateCounter.objects.exists()


def test_with_redis_past_the_limit_is_a_429_and_another_key_is_not_affected(alice, bob, in_redis):
    secret, other = key_of(alice), key_of(bob)
    assert [get(secret).status_code for _ in range(5)] == [200] * 5
    refused = get(secret)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["X-RateLimit-Remaining"] == "0"
    assert get(other).status_code == 200


def test_with_redis_the_window_ends_when_its_key_expires(alice, in_redis):
    secret = key_of(alice)
    for _ in range(6):
        get(secret)
    assert get(secret).status_code == 429
    in_redis.delete(redis_key(secret))  # what Redis does when the window's 60 seconds are over
    response = get(secret)
    assert response.status_code == 200 and response["X-RateLimit-Remaining"] == "4"


def _queries(secret: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert get(secret, "/api/v1/users/me").status_code == 200
    return len(queries)


def test_counting_in_redis_costs_one_database_query_less(alice, in_redis, settings):
    secret = key_of(alice)
    get(secret, "/api/v1/users/me")  # the first answer also writes the key's use and the calendar feed
    with_redis = _queries(secret)
    settings.REDIS_URL = ""
    in_database = _queries(secret)
    assert in_database == with_redis + 1, (with_redis, in_database)


def test_while_redis_is_unreachable_the_database_counts(alice, settings, small_limit, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/15"  # nothing listens on port 1
    secret = key_of(alice)
    answers = [get(secret) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[0]["X-RateLimit-Remaining"] == "4"
    assert RateCounter.objects.get().count == 5
    assert "Redis did not answer" in caplog.text


def test_without_redis_url_the_database_counts(alice, settings, small_limit):
    settings.REDIS_URL = ""
    secret = key_of(alice)
    assert get(secret)["X-RateLimit-Remaining"] == "4"
    assert RateCounter.objects.get().count == 1
