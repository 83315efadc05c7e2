"""The API's rate limits: per key with 429 and Retry-After past it, X-RateLimit-* headers on
every answer, other keys unaffected, and wrong keys slowed down per client."""

import time

import pytest
from django.test import Client

from kontor.accounts import actions as account_actions
from kontor.accounts.models import RateCounter
from kontor.contacts.models import Person

pytestmark = pytest.mark.usefixtures("small_limits")


@pytest.fixture
def small_limits(settings):
    settings.REDIS_URL = ""  # counted in the database here; in Redis in test_rate_limits_redis.py
    settings.API_RATE_LIMIT = 5
    settings.API_RATE_WINDOW_SECONDS = 60
    settings.API_BAD_KEY_LIMIT = 3


def key_of(persona) -> str:
    return account_actions.create_api_key(persona.membership, "script")[1]


def get(secret: str, path: str = "/api/v1/people", address: str = "192.0.2.1", header: str = "Authorization"):
    value = f"Bearer {secret}" if header == "Authorization" else secret
    return Client(REMOTE_ADDR=address).get(path, headers={header: value})


def test_every_answer_says_the_limit_what_is_left_and_when_it_resets(alice):
    secret = key_of(alice)
    before = int(time.time())
    answers = [get(secret)]
    after = int(time.time()) + 1
    answers += [get(secret) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2"]
    assert {a["X-RateLimit-Limit"] for a in answers} == {"5"}
    assert before + 60 <= int(answers[0]["X-RateLimit-Reset"]) <= after + 60
    assert {a["X-RateLimit-Reset"] for a in answers} == {answers[0]["X-RateLimit-Reset"]}


def test_error_answers_carry_the_headers_too(alice):
    secret = key_of(alice)
    response = get(secret, "/api/v1/people/999999999")
    assert response.status_code == 404
    assert response["X-RateLimit-Remaining"] == "4"


def test_past_the_limit_the_key_gets_429_with_retry_after(alice):
    secret = key_of(alice)
    assert [get(secret).status_code for _ in range(5)] == [200] * 5
    response = get(secret)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Remaining"] == "0"
    assert "Too many requests with this API key" in response.json()["detail"]


def test_the_x_apikey_header_is_counted_against_the_same_key(alice):
    secret = key_of(alice)
    for _ in range(5):
        get(secret, header="X-apikey")
    assert get(secret).status_code == 429


def test_another_key_of_the_same_user_is_not_affected(alice, bob):
    first, second, bobs = key_of(alice), key_of(alice), key_of(bob)
    for _ in range(6):
        get(first)
    assert get(first).status_code == 429
    assert get(second).status_code == 200
    assert get(bobs).status_code == 200


def test_the_limit_starts_again_after_the_window(alice):
    secret = key_of(alice)
    for _ in range(6):
        get(secret)
    RateCounter.objects.update(resets_at="2000-01-01T00:00:00Z")
    response = get(secret)
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "4"


def test_wrong_keys_from_one_client_draw_a_slowdown(alice):
    secret = key_of(alice)
    assert [get(f"wrong-{n}", address="203.0.113.7").status_code for n in range(3)] == [401, 401, 401]
    response = get("wrong-again", address="203.0.113.7")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Too many wrong API keys" in response.json()["detail"]
    # The client's keys are not even looked at for the minute, a right one neither.
    assert get(secret, address="203.0.113.7").status_code == 429
    # Other clients are not slowed down.
    assert get(secret, address="198.51.100.2").status_code == 200


def test_a_request_without_any_key_is_401_and_not_counted(alice):
    for _ in range(5):
        assert Client().get("/api/v1/people").status_code == 401
    assert not RateCounter.objects.exists()


def test_a_limited_request_changes_nothing(alice):
    secret = key_of(alice)
    for _ in range(5):
        get(secret)
    response = Client().post("/api/v1/people", {"last_name": "Zander"}, content_type="application/json",
                             headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 429
    assert not Person.objects.filter(account=alice.account).exists()
